import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { LlmClientService } from '../llm-client/llm-client.service.js';
import { McpManagerService } from '../mcp/mcp-manager.service.js';
import { ApiJsonOk } from '../openapi/api-docs.decorators.js';
import { schemaRef } from '../openapi/schema-ref.js';
import { LifecycleStateService } from './lifecycle-state.service.js';
import { packageInfo } from './package-info.js';

/** How long one readiness probe of the upstream may take. */
const UPSTREAM_PROBE_TIMEOUT_MS = 2_000;
/** Probes are cached briefly so frequent /ready calls do not load the upstream. */
const UPSTREAM_PROBE_CACHE_MS = 2_000;

export const GATEWAY_ENDPOINTS = [
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
  private lastProbe: { at: number; ok: boolean } | null = null;

  constructor(
    private readonly llm: LlmClientService,
    private readonly lifecycle: LifecycleStateService,
    private readonly mcp: McpManagerService,
  ) {}

  /** Liveness: 200 while the process runs. */
  @Get('health')
  @ApiOperation({ summary: 'Liveness probe' })
  @ApiJsonOk('HealthStatus')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Readiness: 200 when the upstream answers, 503 while draining or when it
   * does not. MCP servers are reported (details at GET /v1/mcp/servers) but
   * never make the gateway unready: requests succeed without their tools.
   */
  @Get('ready')
  @ApiOperation({ summary: 'Readiness probe' })
  @ApiJsonOk('ReadinessStatus', 'Ready.')
  @ApiResponse({
    status: 503,
    description: 'Draining, or the upstream does not answer.',
    schema: schemaRef('ReadinessStatus'),
  })
  async ready(
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ status: string; upstream: string; mcpServers: McpSummary }> {
    const mcpServers = this.mcpSummary();
    if (this.lifecycle.draining) {
      reply.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'draining', upstream: 'unknown', mcpServers };
    }
    const reachable = await this.probeUpstream();
    reply.status(reachable ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: reachable ? 'ready' : 'not_ready',
      upstream: reachable ? 'reachable' : 'unreachable',
      mcpServers,
    };
  }

  @Get()
  @ApiOperation({ summary: 'Name, version and endpoints of the gateway' })
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

  private async probeUpstream(): Promise<boolean> {
    const now = Date.now();
    if (this.lastProbe && now - this.lastProbe.at < UPSTREAM_PROBE_CACHE_MS) {
      return this.lastProbe.ok;
    }
    const ok = await this.llm.isReachable(UPSTREAM_PROBE_TIMEOUT_MS);
    this.lastProbe = { at: Date.now(), ok };
    return ok;
  }
}
