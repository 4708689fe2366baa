import { Global, Module } from '@nestjs/common';
import { LlmClientService } from './llm-client.service.js';
import { UpstreamRegistry } from './upstream-registry.service.js';
import { UpstreamRouter } from './upstream-router.service.js';

/**
 * Provides the shared LlmClientService, the upstream registry and the
 * UpstreamRouter that picks an upstream per request, to every feature module.
 */
@Global()
@Module({
  providers: [LlmClientService, UpstreamRegistry, UpstreamRouter],
  exports: [LlmClientService, UpstreamRegistry, UpstreamRouter],
})
export class LlmClientModule {}
