import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Readable } from 'node:stream';
import { Observable } from 'rxjs';
import { Agent, request, type Dispatcher } from 'undici';
import { GatewayException } from '../common/errors/gateway.exception.js';
import type { FlowControl } from '../common/sse/flow-control.js';
import { upstreamConfig } from '../config/upstream.config.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
} from './chat-completion.types.js';
import { ChatSseParser } from './chat-sse.parser.js';
import {
  isAbortError,
  toUpstreamException,
  upstreamStatusException,
} from './upstream-errors.js';
import { upstreamUrl, type UpstreamTarget } from './upstream-target.js';

/** Options every upstream call takes. */
export interface UpstreamCallOptions {
  /** Cancels the upstream request; the client's disconnect feeds it. */
  signal?: AbortSignal;
  /** Which upstream; the default upstream when omitted. */
  target?: UpstreamTarget;
  /** Extra request headers, e.g. a forwarded client Authorization. */
  headers?: Record<string, string>;
  /** Backpressure from the client socket (streaming only). */
  flow?: FlowControl;
}

/** A raw request forwarded as it is. */
export interface ForwardRequest {
  method: Dispatcher.HttpMethod;
  /** Path and query below the version segment, e.g. `/models?limit=2`. */
  pathAndQuery: string;
  headers: Record<string, string | string[]>;
  body?: Readable | null;
}

/** Largest upstream error body the gateway reads to build its message. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * The only component that talks to Chat Completions upstreams.
 * One undici Agent holds a keep-alive pool per upstream origin; every call
 * takes an AbortSignal, and streams are cold Observables whose teardown
 * aborts the request.
 */
@Injectable()
export class LlmClientService implements OnApplicationShutdown {
  private readonly logger = new Logger(LlmClientService.name);
  private readonly agent: Agent;
  /** The upstream used when a call names none. */
  readonly defaultTarget: UpstreamTarget;

  constructor(
    @Inject(upstreamConfig.KEY)
    private readonly config: ConfigType<typeof upstreamConfig>,
  ) {
    this.agent = new Agent({
      connect: { timeout: config.connectTimeoutMs },
      headersTimeout: config.readTimeoutMs,
      bodyTimeout: config.readTimeoutMs,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
    });
    this.defaultTarget = {
      name: 'default',
      baseUrl: config.baseUrl,
      apiKey: config.apiKey,
    };
  }

  /** A non-streaming chat completion. */
  async createChatCompletion(
    body: ChatCompletionRequest,
    options: UpstreamCallOptions = {},
  ): Promise<ChatCompletion> {
    const target = options.target ?? this.defaultTarget;
    const response = await this.send(target, '/chat/completions', {
      body: { ...body, stream: false },
      options,
    });
    try {
      return (await response.body.json()) as ChatCompletion;
    } catch (error) {
      throw isAbortError(error)
        ? error
        : new GatewayException(
            'upstream_bad_response',
            `The upstream '${target.name}' sent a body that is not JSON.`,
            { cause: error, openAiCode: 'upstream_bad_response' },
          );
    }
  }

  /**
   * A streaming chat completion. Nothing is sent until subscription; the
   * first chunk arrives only after a 2xx status, so an upstream error before
   * the first byte surfaces as an error before any emission. Unsubscribing
   * aborts the upstream request. `stream_options.include_usage` is always
   * requested so usage is never lost.
   */
  streamChatCompletion(
    body: ChatCompletionRequest,
    options: UpstreamCallOptions = {},
  ): Observable<ChatCompletionChunk> {
    const target = options.target ?? this.defaultTarget;
    return new Observable<ChatCompletionChunk>((subscriber) => {
      const abort = new AbortController();
      const signal = options.signal
        ? AbortSignal.any([abort.signal, options.signal])
        : abort.signal;
      const run = async (): Promise<void> => {
        const response = await this.send(target, '/chat/completions', {
          body: {
            ...body,
            stream: true,
            stream_options: { ...body.stream_options, include_usage: true },
          },
          options: { ...options, signal },
        });
        const parser = new ChatSseParser(
          (chunk) => subscriber.next(chunk),
          target.name,
        );
        for await (const bytes of response.body) {
          parser.feed(bytes as Buffer);
          if (subscriber.closed) {
            return;
          }
          await options.flow?.ready();
        }
        parser.end();
        if (!parser.sawDone && !parser.sawFinish) {
          throw new GatewayException(
            'upstream_bad_response',
            `The upstream '${target.name}' ended the stream before it finished.`,
            { openAiCode: 'upstream_bad_response' },
          );
        }
        subscriber.complete();
      };
      run().catch((error: unknown) => {
        if (subscriber.closed) {
          return;
        }
        subscriber.error(
          isAbortError(error) ? error : toUpstreamException(error, target.name),
        );
      });
      return () => abort.abort();
    });
  }

  /**
   * Forwards a raw request and returns the upstream's answer unread, for the
   * pass-through proxy. Any status is returned as it is.
   */
  async forward(
    req: ForwardRequest,
    signal: AbortSignal,
    target: UpstreamTarget = this.defaultTarget,
  ): Promise<Dispatcher.ResponseData> {
    try {
      return await request(upstreamUrl(target, req.pathAndQuery), {
        dispatcher: this.agent,
        method: req.method,
        headers: req.headers,
        body: req.body ?? null,
        signal,
      });
    } catch (error) {
      throw isAbortError(error)
        ? error
        : toUpstreamException(error, target.name);
    }
  }

  /** True when the upstream answers HTTP at all; used by /ready. */
  async isReachable(
    timeoutMs: number,
    target: UpstreamTarget = this.defaultTarget,
  ): Promise<boolean> {
    try {
      const response = await request(upstreamUrl(target, '/models'), {
        dispatcher: this.agent,
        method: 'GET',
        headers: this.authHeaders(target),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body.dump();
      return true;
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'closing the upstream pool failed');
    });
  }

  /** Headers that authenticate to `target`. */
  authHeaders(target: UpstreamTarget): Record<string, string> {
    return {
      ...target.headers,
      ...(target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {}),
    };
  }

  private async send(
    target: UpstreamTarget,
    path: string,
    call: { body: unknown; options: UpstreamCallOptions },
  ): Promise<Dispatcher.ResponseData> {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(upstreamUrl(target, path), {
        dispatcher: this.agent,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...this.authHeaders(target),
          ...call.options.headers,
        },
        body: JSON.stringify(call.body),
        signal: call.options.signal,
      });
    } catch (error) {
      throw isAbortError(error)
        ? error
        : toUpstreamException(error, target.name);
    }
    if (response.statusCode < 200 || response.statusCode >= 300) {
      const text = await readLimited(response.body, MAX_ERROR_BODY_BYTES);
      throw upstreamStatusException(response.statusCode, text, target.name);
    }
    return response;
  }
}

async function readLimited(
  body: Dispatcher.ResponseData['body'],
  limit: number,
): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const part of body) {
      const buffer = part as Buffer;
      parts.push(buffer);
      size += buffer.length;
      if (size >= limit) {
        body.destroy();
        break;
      }
    }
  } catch {
    // A body that breaks off still leaves the status to report.
  }
  return Buffer.concat(parts).toString('utf8').slice(0, limit);
}
