import { Module } from '@nestjs/common';
import { LifecycleModule } from '../lifecycle/lifecycle.module.js';
import { LlmClientModule } from '../llm-client/llm-client.module.js';
import { McpModule } from '../mcp/mcp.module.js';
import { ModelCallModule } from '../model-call/model-call.module.js';
import { ChatCompletionAnswerService } from './chat-completion-answer.service.js';
import { ChatCompletionsController } from './chat-completions.controller.js';
import { ChatCompletionsService } from './chat-completions.service.js';

/** `POST /v1/chat/completions`, with server-side MCP tools and text tool-call parsing. */
@Module({
  imports: [ModelCallModule, McpModule, LifecycleModule, LlmClientModule],
  controllers: [ChatCompletionsController],
  providers: [ChatCompletionsService, ChatCompletionAnswerService],
})
export class ChatCompletionsModule {}
