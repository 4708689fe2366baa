import { Global, Module } from '@nestjs/common';
import { LlmClientService } from './llm-client.service.js';

/** Provides the shared LlmClientService to every feature module. */
@Global()
@Module({
  providers: [LlmClientService],
  exports: [LlmClientService],
})
export class LlmClientModule {}
