import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module.js';
import { LlmClientService } from './llm-client.service.js';
import { UpstreamRegistry } from './upstream-registry.service.js';
import { UpstreamRouter } from './upstream-router.service.js';

/**
 * The shared LlmClientService (one connection pool per upstream), the
 * upstream registry, and the UpstreamRouter that picks an upstream per
 * request. Its upstream and model-call meters register on MetricsModule's
 * registry.
 */
@Module({
  imports: [MetricsModule],
  providers: [LlmClientService, UpstreamRegistry, UpstreamRouter],
  exports: [LlmClientService, UpstreamRegistry, UpstreamRouter],
})
export class LlmClientModule {}
