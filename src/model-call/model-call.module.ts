import { Module } from '@nestjs/common';
import { LlmClientModule } from '../llm-client/llm-client.module.js';
import { ModelCallService } from './model-call.service.js';

/** ModelCallService: the one way the endpoints call a model (routing, text tool calls). */
@Module({
  imports: [LlmClientModule],
  providers: [ModelCallService],
  exports: [ModelCallService],
})
export class ModelCallModule {}
