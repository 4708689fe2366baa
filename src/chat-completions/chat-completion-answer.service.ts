import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { toOpenAiError } from '../common/errors/gateway.exception.js';
import { clientCallOptions } from '../common/http/client-call-options.js';
import type {
  EventStream,
  StreamChannel,
  StreamOrJson,
} from '../common/http/stream-or-json.js';
import { keepaliveComments } from '../common/sse/sse-writer.js';
import type { Tenant } from '../config/security/tenant.js';
import { serverConfig } from '../config/server.config.js';
import { endAtGraceEnd } from '../lifecycle/grace-end.js';
import { LifecycleStateService } from '../lifecycle/lifecycle-state.service.js';
import {
  type ChatStreamItem,
  VerbatimChunk,
} from '../llm-client/decoder/verbatim-chunk.js';
import type {
  ChatCompletion,
  ChatCompletionRequest,
} from '../protocol/chat-completion.types.js';
import {
  type ChatCompletionOptions,
  ChatCompletionsService,
} from './chat-completions.service.js';
import { chatSseFormat } from './chat-sse.format.js';
import { withFields } from '../common/objects/with-fields.js';

/**
 * Answers `POST …/chat/completions`: one completion, or with `stream: true`
 * its chunks as SSE, for the stream-or-JSON dispatcher (replyStreamOrJson).
 */
@Injectable()
export class ChatCompletionAnswerService {
  constructor(
    private readonly service: ChatCompletionsService,
    @Inject(serverConfig.KEY)
    private readonly server: Pick<
      ConfigType<typeof serverConfig>,
      'forwardClientAuth' | 'keepaliveIntervalMs'
    >,
    private readonly lifecycle: LifecycleStateService,
  ) {}

  /**
   * The answer to a create request: the client's Authorization forwarded
   * when FORWARD_CLIENT_AUTH is on, the gateway's headers honoured, on the
   * upstream the path names, if any, for the caller's tenant (undefined
   * when inbound auth is off).
   */
  create(
    request: ChatCompletionRequest,
    headers: IncomingHttpHeaders,
    { upstreamName, tenant }: { upstreamName?: string; tenant?: Tenant } = {},
  ): StreamOrJson<ChatStreamItem, ChatCompletion> {
    const options: ChatCompletionOptions = withFields(
      clientCallOptions(headers, this.server.forwardClientAuth),
      { upstreamName, tenant },
    );
    return {
      stream: request.stream === true,
      json: (clientAbort) =>
        this.service.complete(request, withFields(options, { clientAbort })),
      events: (channel) =>
        Promise.resolve(this.events(request, options, channel)),
    };
  }

  private events(
    request: ChatCompletionRequest,
    options: ChatCompletionOptions,
    { flow }: StreamChannel,
  ): EventStream<ChatStreamItem> {
    return {
      events$: this.service.stream(request, withFields(options, { flow })).pipe(
        // Past the shutdown grace period: a final error chunk, then [DONE].
        endAtGraceEnd<ChatStreamItem>(
          this.lifecycle.graceEndSignal,
          (error) =>
            new VerbatimChunk(JSON.stringify(toOpenAiError(error).body)),
        ),
      ),
      format: chatSseFormat,
      // `: keepalive` comments until the first chunk, for slow starts.
      comments: keepaliveComments(this.server.keepaliveIntervalMs),
    };
  }
}
