import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiUpstreamParam, callerRequestOf } from '../auth/caller-request.js';
import { ApiOperation, ApiTags } from '../common/http/api-docs-decorators.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DirectRoute } from '../common/http/direct-routes.js';
import { replyStreamOrJson } from '../common/http/stream-or-json.js';
import {
  ApiJsonBody,
  ApiJsonOrStreamOk,
} from '../openapi/api-docs.decorators.js';
import { ApiChatRequestHeaders } from '../openapi/request-headers.js';
import { ChatCompletionAnswerService } from './chat-completion-answer.service.js';
import { ChatCompletionRequestDto } from './chat-completion-request.dto.js';

/**
 * `/v1/chat/completions`, and `/{upstream}/v1/chat/completions` for a named
 * upstream. `@Res()`: a stream is written past Nest, by the stream-or-JSON
 * dispatcher.
 */
@ApiTags('chat')
@Controller()
export class ChatCompletionsController {
  constructor(private readonly answers: ChatCompletionAnswerService) {}

  @Post(['v1/chat/completions', ':upstream/v1/chat/completions'])
  @HttpCode(200)
  @DirectRoute()
  @ApiOperation({
    operationId: 'createChatCompletion',
    summary: 'Create a chat completion, running MCP tools server-side',
  })
  @ApiChatRequestHeaders()
  @ApiJsonBody('GatewayChatCompletionRequest')
  @ApiJsonOrStreamOk(
    'CreateChatCompletionResponse',
    'ChatCompletionSseEvent',
    'The completion; with `stream: true`, its chunks as `data:` frames, then `data: [DONE]`.',
  )
  // Last, so applied first: the path parameter leads the list.
  @ApiUpstreamParam()
  create(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { body, headers, tenant, upstreamName } = callerRequestOf(
      request,
      ChatCompletionRequestDto,
    );
    return replyStreamOrJson(
      reply,
      this.answers.create(body, headers, { upstreamName, tenant }),
    );
  }
}
