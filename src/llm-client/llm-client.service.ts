import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Observable } from 'rxjs';
import type { Dispatcher } from 'undici';
import { Agent, requestUrl } from './undici-parts.js';
import { upstreamConfig } from '../config/upstream.config.js';
import { upstreamsConfig } from '../config/upstreams.config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ModelCallMetrics } from './metrics/model-call-metrics.js';
import { UpstreamMetrics } from './metrics/upstream-metrics.js';
import type {
  ChatCompletion,
  ChatCompletionRequest,
} from '../protocol/chat-completion.types.js';
import { completeChatCall } from './chat-completion.call.js';
import {
  streamChatCall,
  type UpstreamCallContext,
} from './chat-stream.call.js';
import { toolTurnsAsText } from './tool-turns.mapper.js';
import { probeUpstream } from './upstream-probe.js';
import type { CallAbort } from './call-abort.js';
import type {
  ForwardRequest,
  SendOptions,
  UpstreamCallOptions,
} from './upstream-call.types.js';
import { upstreamConnector } from './upstream-connector.js';
import { upstreamCall } from './upstream-errors.js';
import { UpstreamRegistry } from './upstream-registry.service.js';
import type { UpstreamChunk } from './decoder/stream-items.js';
import type { ChunkShortcut } from './decoder/verbatim-chunk.js';
import { ensureOk, readJsonBody, statusFailure } from './upstream-response.js';
import {
  retryMessage,
  sendWithRetries,
  type RetryResult,
} from './upstream-retry.js';
import {
  authHeaders,
  upstreamUrl,
  type UpstreamTarget,
} from '../config/upstreams/upstream-target.js';
import { withFields } from '../common/objects/with-fields.js';

/** Where a request goes, as undici's dispatchers take it. */
interface Endpoint {
  origin: string;
  path: string;
}

/**
 * The only component that talks to Chat Completions upstreams.
 * One undici Agent holds a keep-alive pool per upstream origin; every call
 * takes an AbortSignal, and streams are cold Observables whose teardown
 * aborts the request. Requests that can be replayed are retried on refused
 * connections and 429/502/503, then tried once on the fallback upstream.
 * Model calls are bounded in time (CallTimeouts) and in size
 * (UpstreamSizeLimits), so one upstream cannot hold or flood a request.
 */
@Injectable()
export class LlmClientService implements OnApplicationShutdown {
  private readonly logger = new Logger(LlmClientService.name);
  private readonly agent: Agent;
  private readonly meter: UpstreamMetrics;
  /** What model calls share: how to send, the meter and the limits. */
  private readonly callContext: UpstreamCallContext;
  /** The upstream used when a call names none. */
  readonly defaultTarget: UpstreamTarget;
  /**
   * Each target's chat endpoint as undici's dispatcher takes it, read once:
   * `request(url, …)` reads the URL's origin and path and copies its
   * options again on every call (bench/README.md, "The chat call straight
   * to the Agent").
   */
  private readonly chatEndpoints = new WeakMap<UpstreamTarget, Endpoint>();

  constructor(
    @Inject(upstreamConfig.KEY)
    config: Pick<
      ConfigType<typeof upstreamConfig>,
      | 'connectTimeoutMs'
      | 'readTimeoutMs'
      | 'totalTimeoutMs'
      | 'maxEventBytes'
      | 'maxBodyBytes'
      | 'maxAnswerBytes'
    >,
    @Inject(upstreamsConfig.KEY)
    private readonly upstreams: Pick<
      ConfigType<typeof upstreamsConfig>,
      'maxRetries'
    >,
    private readonly registry: UpstreamRegistry,
    @Optional() @Inject(MetricsService) metrics?: MetricsService,
  ) {
    this.meter = metrics
      ? new UpstreamMetrics(metrics.registry, metrics.labels)
      : UpstreamMetrics.detached();
    this.callContext = {
      send: (target, body, options) => this.send(target, body, options),
      meter: this.meter,
      summaries: {
        logger: this.logger,
        metrics: metrics
          ? new ModelCallMetrics(metrics.registry, metrics.labels)
          : ModelCallMetrics.detached(),
      },
      sizes: {
        maxEventBytes: config.maxEventBytes,
        maxBodyBytes: config.maxBodyBytes,
        maxAnswerBytes: config.maxAnswerBytes,
      },
      times: { totalMs: config.totalTimeoutMs, idleMs: config.readTimeoutMs },
    };
    this.agent = new Agent({
      connect: upstreamConnector({ timeout: config.connectTimeoutMs }),
      headersTimeout: config.readTimeoutMs,
      bodyTimeout: config.readTimeoutMs,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
    });
    this.defaultTarget = registry.defaultTarget;
  }

  /** A non-streaming chat completion, within UPSTREAM_TOTAL_TIMEOUT_MS. */
  createChatCompletion(
    body: ChatCompletionRequest,
    options: UpstreamCallOptions = {},
  ): Promise<ChatCompletion> {
    return completeChatCall(
      this.callContext,
      body,
      withFields(options, { target: options.target ?? this.defaultTarget }),
    );
  }

  /**
   * A streaming chat completion. Nothing is sent until subscription; the
   * first item arrives only after a 2xx status, so an upstream error before
   * the first byte surfaces as an error before any emission (and only then is
   * it retried). Unsubscribing aborts the upstream request.
   * `stream_options.include_usage` is always requested so usage is never lost.
   * The call is bounded by UPSTREAM_TOTAL_TIMEOUT_MS, the wait between two
   * events by UPSTREAM_READ_TIMEOUT_MS, and its size by the size limits.
   *
   * Each chunk comes decoded, with its upstream text (UpstreamChunk), except
   * a payload that `shortcut` turns into an item from its text alone: that
   * item comes instead, never parsed (see StreamLane).
   */
  streamChat<T = never>(
    body: ChatCompletionRequest,
    options: UpstreamCallOptions = {},
    shortcut?: ChunkShortcut<T>,
  ): Observable<UpstreamChunk | T> {
    return streamChatCall(
      this.callContext,
      body,
      withFields(options, { target: options.target ?? this.defaultTarget }),
      shortcut,
    );
  }

  /**
   * Forwards a raw request and returns the upstream's answer unread, for the
   * pass-through proxy. Any final status is returned as it is. Only a request
   * without a body is retried: a streamed body can be read once.
   */
  async forward(
    req: ForwardRequest,
    signal: AbortSignal,
    target: UpstreamTarget = this.defaultTarget,
  ): Promise<Dispatcher.ResponseData> {
    const send = (to: UpstreamTarget): Promise<Dispatcher.ResponseData> =>
      requestUrl(upstreamUrl(to, req.pathAndQuery), {
        dispatcher: this.agent,
        method: req.method,
        headers: {
          ...req.headers,
          ...(req.keepClientAuth ? to.headers : authHeaders(to)),
        },
        body: req.body ?? null,
        signal,
      });
    if (req.body) {
      return upstreamCall(target, this.meter.track(target.name, send(target)));
    }
    const { response } = await this.withRetries(
      target,
      undefined,
      signal,
      send,
    );
    return response;
  }

  /**
   * GETs a JSON document from `target` once, without retries (e.g. its model
   * list). `headers` replace the target's own, e.g. a forwarded Authorization.
   * @throws GatewayException for a transport failure, a non-2xx status or a body that is not JSON.
   */
  async getJson(
    target: UpstreamTarget,
    pathAndQuery: string,
    signal: AbortSignal,
    headers: Record<string, string> = {},
  ): Promise<unknown> {
    const response = await upstreamCall(
      target,
      requestUrl(upstreamUrl(target, pathAndQuery), {
        dispatcher: this.agent,
        method: 'GET',
        headers: {
          accept: 'application/json',
          ...authHeaders(target),
          ...headers,
        },
        signal,
      }),
    );
    await ensureOk(response, target);
    return readJsonBody(response, target, this.callContext.sizes.maxBodyBytes);
  }

  /** The status the upstream's `/models` answered, or null (see probeUpstream). */
  probe(
    timeoutMs: number,
    target: UpstreamTarget = this.defaultTarget,
  ): Promise<number | null> {
    return probeUpstream(this.agent, target, timeoutMs);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'closing the upstream pool failed');
    });
  }

  /** POSTs a chat completion, rewritten for a backend without a tool role. */
  private send(
    target: UpstreamTarget,
    body: ChatCompletionRequest,
    options: SendOptions,
  ): Promise<RetryResult> {
    return this.withRetries(target, body.model, options.signal, (to) =>
      this.agent.request({
        // Named, not spread: see withFields.
        origin: this.chatEndpoint(to).origin,
        path: this.chatEndpoint(to).path,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...authHeaders(to),
          ...options.headers,
        },
        body: JSON.stringify(
          to.supportsToolRole === false ? toolTurnsAsText(body) : body,
        ),
        signal: options.signal,
      }),
    ).then((result) => statusFailure(result.response, result.target) ?? result);
  }

  private chatEndpoint(target: UpstreamTarget): Endpoint {
    let endpoint = this.chatEndpoints.get(target);
    if (endpoint === undefined) {
      const url = new URL(upstreamUrl(target, '/chat/completions'));
      endpoint = { origin: url.origin, path: `${url.pathname}${url.search}` };
      this.chatEndpoints.set(target, endpoint);
    }
    return endpoint;
  }

  private withRetries(
    target: UpstreamTarget,
    model: string | undefined,
    signal: AbortSignal | CallAbort | undefined,
    send: (to: UpstreamTarget) => Promise<Dispatcher.ResponseData>,
  ): Promise<RetryResult> {
    return sendWithRetries({
      targets: [target, this.registry.fallbackFor(target, model)],
      maxRetries: this.upstreams.maxRetries,
      signal,
      send: (to) => this.meter.track(to.name, send(to)),
      onRetry: (event) => {
        this.meter.retried(event.upstream);
        this.logger.warn(event, retryMessage(event));
      },
    });
  }
}
