import { Module } from '@nestjs/common';
import { LifecycleModule } from '../lifecycle/lifecycle.module.js';
import { LlmClientModule } from '../llm-client/llm-client.module.js';
import { McpModule } from '../mcp/mcp.module.js';
import { ModelCallModule } from '../model-call/model-call.module.js';
import { MessagesAnswerService } from './messages-answer.service.js';
import { MessagesController } from './messages.controller.js';
import { MessagesService } from './messages.service.js';

/** `POST /v1/messages`: the Anthropic Messages API, with server-side MCP tools and text tool-call parsing. */
@Module({
  imports: [ModelCallModule, McpModule, LifecycleModule, LlmClientModule],
  controllers: [MessagesController],
  providers: [MessagesService, MessagesAnswerService],
})
export class MessagesModule {}
