import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { clientAbortSignal } from '../common/http/client-abort.js';
import { FlowControl } from '../common/sse/flow-control.js';
import { writeSse } from '../common/sse/sse-writer.js';
import type { ChatCompletionRequest } from '../llm-client/chat-completion.types.js';
import { ChatCompletionRequestDto } from './chat-completion-request.dto.js';
import { ChatCompletionsService } from './chat-completions.service.js';
import { chatSseFormat } from './chat-sse.format.js';

@Controller('v1/chat/completions')
export class ChatCompletionsController {
  constructor(private readonly service: ChatCompletionsService) {}

  @Post()
  @HttpCode(200)
  async create(
    @Body() body: ChatCompletionRequestDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const request = body as unknown as ChatCompletionRequest;
    if (request.stream === true) {
      const flow = new FlowControl();
      await writeSse(
        reply,
        this.service.stream(request, { flow }),
        chatSseFormat,
        flow,
      );
      return;
    }
    const completion = await this.service.complete(request, {
      signal: clientAbortSignal(reply),
    });
    await reply.send(completion);
  }
}
