import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Subject } from 'rxjs';
import type { Tenant } from '../config/security/tenant.js';
import { clientCallOptions } from '../common/http/client-call-options.js';
import type {
  EventStream,
  StreamChannel,
  StreamOrJson,
} from '../common/http/stream-or-json.js';
import { KEEPALIVE_COMMENT } from '../common/sse/sse-writer.js';
import { serverConfig } from '../config/server.config.js';
import {
  EVENT_NAMING_HEADER,
  eventNamingOf,
  withEventNaming,
} from '../protocol/event-naming.js';
import type {
  CreateResponseRequest,
  ResponseObject,
} from '../protocol/responses.types.js';
import { asContextLengthError } from './core/context-length.js';
import { BackgroundResponses } from './background/background-responses.service.js';
import { BackgroundRuns } from './background/background-runs.service.js';
import { ResponsesSseFormat } from './responses-sse.format.js';
import {
  type ResponseStreamItem,
  withItemNaming,
} from './core/text-delta-run.js';
import {
  type ResponseCallOptions,
  ResponsesService,
} from './responses.service.js';
import { withFields } from '../common/objects/with-fields.js';

/**
 * Answers `POST …/responses`, on the plain and the upstream-named routes:
 * one Response object, or with `stream: true` its events as SSE, for the
 * stream-or-JSON dispatcher (replyStreamOrJson).
 */
@Injectable()
export class ResponseAnswerService {
  constructor(
    private readonly service: ResponsesService,
    private readonly runs: BackgroundRuns,
    private readonly background: BackgroundResponses,
    @Inject(serverConfig.KEY)
    private readonly server: Pick<
      ConfigType<typeof serverConfig>,
      'forwardClientAuth'
    >,
  ) {}

  /**
   * The answer to a create request: the client's Authorization forwarded
   * when FORWARD_CLIENT_AUTH is on, the gateway's headers honoured, on the
   * upstream the path names, if any, for the caller's tenant (undefined
   * when inbound auth is off).
   */
  create(
    request: CreateResponseRequest,
    headers: IncomingHttpHeaders,
    { upstreamName, tenant }: { upstreamName?: string; tenant?: Tenant } = {},
  ): StreamOrJson<ResponseStreamItem, ResponseObject> {
    const options: ResponseCallOptions = withFields(
      clientCallOptions(headers, this.server.forwardClientAuth),
      { upstreamName, tenant },
    );
    if (request.background === true) {
      return this.backgroundAnswer(request, options, headers);
    }
    return {
      stream: request.stream === true,
      json: (client) =>
        this.service.create(
          request,
          withFields(options, { signal: client.signal }),
        ),
      events: (channel) => this.events(request, options, headers, channel),
      // The gateway never truncates: a prompt too long for the model is a 400.
      clientError: asContextLengthError,
    };
  }

  /**
   * `background: true`: the turn runs detached from this request. The
   * answer is the queued response, or with `stream: true` the run's events
   * as they come (a client that leaves stops only its reading).
   */
  private backgroundAnswer(
    request: CreateResponseRequest,
    options: ResponseCallOptions,
    headers: IncomingHttpHeaders,
  ): StreamOrJson<ResponseStreamItem, ResponseObject> {
    const naming = eventNamingOf(
      headers[EVENT_NAMING_HEADER],
      this.service.defaultEventNaming,
    );
    return {
      stream: request.stream === true,
      json: () => this.runs.start(request, options),
      events: async () => {
        const queued = await this.runs.start(request, options);
        return {
          events$: this.background
            .replay(queued, -1)
            .pipe(withEventNaming(naming)),
          format: new ResponsesSseFormat(),
        };
      },
      clientError: asContextLengthError,
    };
  }

  private async events(
    request: CreateResponseRequest,
    options: ResponseCallOptions,
    headers: IncomingHttpHeaders,
    { flow, log }: StreamChannel,
  ): Promise<EventStream<ResponseStreamItem>> {
    // `: keepalive` comments while response.created waits for the model.
    const comments = new Subject<string>();
    const events$ = await this.service.stream(
      request,
      withFields(options, {
        flow,
        onWaiting: () => comments.next(KEEPALIVE_COMMENT),
        // An upstream failing mid-answer is the upstream's fault, told to
        // the client as response.failed: a warning, not a gateway error.
        onFailed: (error: unknown) =>
          log.warn(
            { err: error },
            'response failed after response.created (sent as response.failed)',
          ),
      }),
    );
    const naming = eventNamingOf(
      headers[EVENT_NAMING_HEADER],
      this.service.defaultEventNaming,
    );
    return {
      events$: events$.pipe(withItemNaming(naming)),
      format: new ResponsesSseFormat(),
      comments,
    };
  }
}
