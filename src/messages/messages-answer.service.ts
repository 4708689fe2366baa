import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Observable } from 'rxjs';
import { clientCallOptions } from '../common/http/client-call-options.js';
import type {
  EventStream,
  StreamChannel,
  StreamOrJson,
} from '../common/http/stream-or-json.js';
import { keepaliveComments } from '../common/sse/sse-writer.js';
import type { Tenant } from '../config/security/tenant.js';
import { serverConfig } from '../config/server.config.js';
import { failAtGraceEnd } from '../lifecycle/grace-end.js';
import { LifecycleStateService } from '../lifecycle/lifecycle-state.service.js';
import type {
  AnthropicMessage,
  AnthropicMessagesRequest,
  AnthropicStreamEvent,
} from '../protocol/anthropic-messages.types.js';
import { finalMessage } from './reply/message-accumulator.js';
import { messagesSseFormat } from './reply/messages-sse.format.js';
import { withPings } from './reply/pings.js';
import { MessagesService, type MessagesOptions } from './messages.service.js';
import { withFields } from '../common/objects/with-fields.js';

/**
 * Answers `POST …/v1/messages`: one message, or with `stream: true` its
 * events as SSE, for the stream-or-JSON dispatcher (replyStreamOrJson).
 */
@Injectable()
export class MessagesAnswerService {
  constructor(
    private readonly service: MessagesService,
    @Inject(serverConfig.KEY)
    private readonly server: Pick<
      ConfigType<typeof serverConfig>,
      'forwardClientAuth' | 'keepaliveIntervalMs'
    >,
    private readonly lifecycle: LifecycleStateService,
  ) {}

  create(
    request: AnthropicMessagesRequest,
    headers: IncomingHttpHeaders,
    { upstreamName, tenant }: { upstreamName?: string; tenant?: Tenant } = {},
  ): StreamOrJson<AnthropicStreamEvent, AnthropicMessage> {
    const options: MessagesOptions = withFields(
      clientCallOptions(headers, this.server.forwardClientAuth),
      { upstreamName, tenant },
    );
    return {
      stream: request.stream === true,
      json: (clientAbort) =>
        finalMessage(
          this.service.events(
            request,
            withFields(options, { clientAbort, stream: false }),
          ),
        ),
      events: (channel) =>
        Promise.resolve(this.stream(request, options, channel)),
    };
  }

  private stream(
    request: AnthropicMessagesRequest,
    options: MessagesOptions,
    { flow }: StreamChannel,
  ): EventStream<AnthropicStreamEvent> {
    const events$: Observable<AnthropicStreamEvent> = this.service
      .events(request, withFields(options, { flow, stream: true }))
      .pipe(
        withPings(this.server.keepaliveIntervalMs),
        // Past the shutdown grace period: an `error` event ends the stream.
        failAtGraceEnd<AnthropicStreamEvent>(this.lifecycle.graceEndSignal),
      );
    return {
      events$,
      format: messagesSseFormat,
      // SSE comments until message_start, for slow starts.
      comments: keepaliveComments(this.server.keepaliveIntervalMs),
    };
  }
}
