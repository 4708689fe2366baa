import {
  Body,
  Controller,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Res,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { TOOL_CALL_FORMAT_HEADER } from '../protocol/gateway-headers.js';
import { toOpenAiError } from '../common/errors/gateway.exception.js';
import { clientAbortSignal } from '../common/http/client-abort.js';
import { FlowControl } from '../common/sse/flow-control.js';
import { keepaliveComments, writeSse } from '../common/sse/sse-writer.js';
import { serverConfig } from '../config/server.config.js';
import { LifecycleStateService } from '../lifecycle/lifecycle-state.service.js';
import { endAtGraceEnd } from '../lifecycle/grace-end.js';
import type { ChatCompletionRequest } from '../protocol/chat-completion.types.js';
import {
  type ChatStreamItem,
  VerbatimChunk,
} from '../llm-client/verbatim-chunk.js';
import { MCP_TOOLS_HEADER } from '../protocol/gateway-headers.js';
import { forwardedAuthHeaders } from '../model-call/forwarded-auth.js';
import {
  ApiJsonBody,
  ApiJsonOrStreamOk,
} from '../openapi/api-docs.decorators.js';
import { ApiChatRequestHeaders } from '../openapi/request-headers.js';
import { ChatCompletionRequestDto } from './chat-completion-request.dto.js';
import { ChatCompletionsService } from './chat-completions.service.js';
import { chatSseFormat } from './chat-sse.format.js';

/** `/v1/chat/completions`, and `/{upstream}/v1/chat/completions` for a named upstream. */
@ApiTags('chat')
@Controller()
export class ChatCompletionsController {
  constructor(
    private readonly service: ChatCompletionsService,
    @Inject(serverConfig.KEY)
    private readonly server: Pick<
      ConfigType<typeof serverConfig>,
      'forwardClientAuth' | 'keepaliveIntervalMs'
    >,
    private readonly lifecycle: LifecycleStateService,
  ) {}

  @Post(['v1/chat/completions', ':upstream/v1/chat/completions'])
  @HttpCode(200)
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
  async create(
    @Body() body: ChatCompletionRequestDto,
    @Res() reply: FastifyReply,
    @Headers('authorization') authorization?: string,
    @Param('upstream') upstreamName?: string,
    @Headers(MCP_TOOLS_HEADER) mcpTools?: string,
    @Headers(TOOL_CALL_FORMAT_HEADER) toolCallFormat?: string,
  ): Promise<void> {
    const request = body as unknown as ChatCompletionRequest;
    const headers = forwardedAuthHeaders(
      authorization,
      this.server.forwardClientAuth,
    );
    if (request.stream === true) {
      const flow = new FlowControl();
      await writeSse(
        reply,
        this.service
          .stream(request, {
            flow,
            upstreamName,
            headers,
            mcpTools,
            toolCallFormat,
          })
          .pipe(
            // Past the shutdown grace period: a final error chunk, then [DONE].
            endAtGraceEnd<ChatStreamItem>(
              this.lifecycle.graceEndSignal,
              (error) =>
                new VerbatimChunk(JSON.stringify(toOpenAiError(error).body)),
            ),
          ),
        chatSseFormat,
        flow,
        // `: keepalive` comments until the first chunk, for slow starts.
        { comments: keepaliveComments(this.server.keepaliveIntervalMs) },
      );
      return;
    }
    const completion = await this.service.complete(request, {
      signal: clientAbortSignal(reply),
      upstreamName,
      headers,
      mcpTools,
      toolCallFormat,
    });
    await reply.send(completion);
  }
}
