import { Controller, Get } from '@nestjs/common';
import { allowsMcpTool, matchesAny } from '../auth/access-policy.js';
import { CallerTenant } from '../auth/request-tenant.js';
import { ApiOperation, ApiTags } from '../common/http/api-docs-decorators.js';
import type { Tenant } from '../config/security/tenant.js';
import { ApiJsonOk } from '../openapi/api-docs.decorators.js';
import { McpManagerService } from './mcp-manager.service.js';
import type { McpServerStatus } from './mcp.types.js';

/** Operator view of the MCP servers; a static route, so it wins over the /v1/* pass-through. */
@ApiTags('mcp')
@Controller('v1/mcp')
export class McpController {
  constructor(private readonly mcp: McpManagerService) {}

  /** The servers and tools the caller's key may use (all without keys). */
  @Get('servers')
  @ApiOperation({
    operationId: 'listMcpServers',
    summary: 'The configured MCP servers and their tools',
  })
  @ApiJsonOk('McpServerList')
  servers(@CallerTenant() tenant: Tenant | undefined): {
    object: 'list';
    data: McpServerStatus[];
  } {
    const all = this.mcp.status();
    return {
      object: 'list',
      data: tenant === undefined ? all : visibleTo(tenant, all),
    };
  }
}

function visibleTo(
  tenant: Tenant,
  servers: readonly McpServerStatus[],
): McpServerStatus[] {
  return servers
    .filter((server) => matchesAny(tenant.mcpServers, [server.name]))
    .map((server) => ({
      ...server,
      tools: server.tools.filter((tool) =>
        allowsMcpTool(tenant, server.name, tool),
      ),
    }));
}
