import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import {
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '../common/http/api-docs-decorators.js';
import type { FastifyReply } from 'fastify';
import { McpManagerService } from '../mcp/mcp-manager.service.js';
import { ApiJsonOk } from '../openapi/api-docs.decorators.js';
import { schemaRef } from '../openapi/schema-ref.js';
import { LifecycleStateService } from '../lifecycle/lifecycle-state.service.js';
import { packageInfo } from '../common/package-info.js';
import {
  UpstreamHealthService,
  type UpstreamHealthState,
} from './upstream-health.service.js';

const GATEWAY_ENDPOINTS = [
  'POST /v1/responses',
  'POST /v1/chat/completions',
  'GET /v1/mcp/servers',
  'ANY /v1/* (pass-through)',
  'GET /health',
  'GET /ready',
] as const;

/** How many configured MCP servers are connected. */
interface McpSummary {
  configured: number;
  connected: number;
}

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    private readonly upstreams: UpstreamHealthService,
    private readonly lifecycle: LifecycleStateService,
    private readonly mcp: McpManagerService,
  ) {}

  /** Liveness: 200 while the process runs. */
  @Get('health')
  @ApiOperation({ operationId: 'health', summary: 'Liveness probe' })
  @ApiJsonOk('HealthStatus')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Readiness: 200 while this process can take requests, 503 once it
   * drains. The route answers only once the app started (its stores
   * connected). Upstreams and MCP servers are reported, never the verdict:
   * one down upstream would take every replica out at once while the
   * others, the fallback and the pass-through may still answer (see
   * UpstreamHealthService). It never waits for an upstream.
   */
  @Get('ready')
  @ApiOperation({ operationId: 'ready', summary: 'Readiness probe' })
  @ApiJsonOk('ReadinessStatus', 'Ready.')
  @ApiResponse({
    status: 503,
    description: 'Draining: shutting down.',
    schema: schemaRef('ReadinessStatus'),
  })
  ready(@Res({ passthrough: true }) reply: FastifyReply): {
    status: 'ready' | 'draining';
    upstreams: Record<string, UpstreamHealthState>;
    mcpServers: McpSummary;
  } {
    const draining = this.lifecycle.draining;
    reply.status(draining ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK);
    return {
      status: draining ? 'draining' : 'ready',
      upstreams: this.upstreams.snapshot(),
      mcpServers: this.mcpSummary(),
    };
  }

  @Get()
  @ApiOperation({
    operationId: 'getGatewayInfo',
    summary: 'Name, version and endpoints of the gateway',
  })
  @ApiJsonOk('GatewayInfo')
  root(): { name: string; version: string; endpoints: readonly string[] } {
    return { ...packageInfo, endpoints: GATEWAY_ENDPOINTS };
  }

  private mcpSummary(): McpSummary {
    const servers = this.mcp.status();
    return {
      configured: servers.length,
      connected: servers.filter((server) => server.connected).length,
    };
  }
}
