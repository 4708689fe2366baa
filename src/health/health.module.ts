import { Module } from '@nestjs/common';
import { LifecycleModule } from '../lifecycle/lifecycle.module.js';
import { LlmClientModule } from '../llm-client/llm-client.module.js';
import { McpModule } from '../mcp/mcp.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { HealthController } from './health.controller.js';
import { UpstreamHealthService } from './upstream-health.service.js';

/** `/health` and `/ready`: the lifecycle state, the upstreams' probes, the MCP servers. */
@Module({
  imports: [LifecycleModule, LlmClientModule, McpModule, MetricsModule],
  controllers: [HealthController],
  providers: [UpstreamHealthService],
})
export class HealthModule {}
