import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '../common/http/api-docs-decorators.js';
import { ApiJsonOk } from '../openapi/api-docs.decorators.js';
import { McpManagerService } from './mcp-manager.service.js';
import type { McpServerStatus } from './mcp.types.js';

/** Operator view of the MCP servers; a static route, so it wins over the /v1/* pass-through. */
@ApiTags('mcp')
@Controller('v1/mcp')
export class McpController {
  constructor(private readonly mcp: McpManagerService) {}

  @Get('servers')
  @ApiOperation({
    operationId: 'listMcpServers',
    summary: 'The configured MCP servers and their tools',
  })
  @ApiJsonOk('McpServerList')
  servers(): { object: 'list'; data: McpServerStatus[] } {
    return { object: 'list', data: this.mcp.status() };
  }
}
