import { Observable, type Subscriber, type TeardownLogic } from 'rxjs';
import type {
  UpstreamMetrics,
  StreamMeter,
} from './metrics/upstream-metrics.js';
import { CallTimeouts, type CallTimeLimits } from './call-timeouts.js';
import type { ChatCompletionRequest } from '../protocol/chat-completion.types.js';
import { readChatStream } from './chat-stream.reader.js';
import type {
  SendOptions,
  UpstreamCallOptions,
} from './upstream-call.types.js';
import { ModelCallSummary, type SummarySink } from './model-call-summary.js';
import { isAbortError, toUpstreamException } from './upstream-errors.js';
import type { UpstreamSizeLimits } from './upstream-limits.js';
import type { RetryResult } from './upstream-retry.js';
import type { UpstreamTarget } from '../config/upstreams/upstream-target.js';
import { UpstreamChunk } from './decoder/stream-items.js';
import type { ChunkShortcut, ShortcutRoute } from './decoder/verbatim-chunk.js';
import { withFields } from '../common/objects/with-fields.js';

/** What an upstream call needs from LlmClientService: how to send, and its limits. */
export interface UpstreamCallContext {
  /** POSTs the request with retries and checks its status (a 2xx or a throw). */
  send(
    target: UpstreamTarget,
    body: ChatCompletionRequest,
    options: SendOptions,
  ): Promise<RetryResult>;
  meter: UpstreamMetrics;
  /** Where each call's summary line and duration go. */
  summaries: SummarySink;
  sizes: UpstreamSizeLimits;
  times: CallTimeLimits;
}

/**
 * One streaming chat completion as a cold Observable (see
 * LlmClientService.streamChat): sent on subscription, each chunk (decoded,
 * with its upstream text) or shortcut item emitted as it is read,
 * unsubscribing aborts the request.
 * The call ends with `upstream_timeout` when it outlives the total deadline
 * or an event takes longer than the read timeout (CallTimeouts), and with
 * `upstream_bad_response` when an event or the answer outgrows its limit;
 * either way the upstream request is aborted.
 */
export function streamChatCall<T>(
  context: UpstreamCallContext,
  body: ChatCompletionRequest,
  options: UpstreamCallOptions & { target: UpstreamTarget },
  shortcut?: ChunkShortcut<T>,
): Observable<UpstreamChunk | T> {
  return new Observable<UpstreamChunk | T>((subscriber) =>
    new ChatStreamCall(context, body, options, shortcut, subscriber).start(),
  );
}

/** One subscription's call: sends, reads, meters, and ends or aborts it. */
class ChatStreamCall<T> {
  private readonly timeouts: CallTimeouts;
  private readonly summary: ModelCallSummary;
  private target: UpstreamTarget;
  // Set once the body was read to its end: aborting then would only cost
  // an AbortError (with its stack) per stream. A failure leaves it unset:
  // the upstream must stop sending what nobody reads.
  private settled = false;
  private meter: StreamMeter | undefined;

  constructor(
    private readonly context: UpstreamCallContext,
    private readonly body: ChatCompletionRequest,
    private readonly options: UpstreamCallOptions & { target: UpstreamTarget },
    private readonly shortcut: ChunkShortcut<T> | undefined,
    private readonly subscriber: Subscriber<UpstreamChunk | T>,
  ) {
    this.timeouts = new CallTimeouts(
      context.times,
      options.signal,
      options.clientAbort,
    );
    this.target = options.target;
    this.summary = new ModelCallSummary(
      context.summaries,
      this.target.name,
      body.model,
    );
  }

  /** Starts the call; returns its teardown. */
  start(): TeardownLogic {
    this.run()
      .catch((caught: unknown) => this.fail(caught))
      .finally(() => this.timeouts.stop());
    return () => this.cancel();
  }

  private async run(): Promise<void> {
    const { body, options, summary, subscriber } = this;
    const answer = await this.context.send(
      this.target,
      withFields(body, {
        stream: true,
        stream_options: withFields(body.stream_options ?? {}, {
          include_usage: true,
        }),
      }),
      { headers: options.headers, signal: this.timeouts.signal },
    );
    this.target = answer.target;
    summary.answeredBy(this.target.name);
    const meter = this.context.meter.stream(this.target.name, body.model);
    this.meter = meter;
    this.timeouts.watchEvents();
    const end = await readChatStream(
      answer.response.body,
      this.target.name,
      (chunk, raw) => {
        meter.chunk(chunk);
        summary.chunk(chunk);
        subscriber.next(new UpstreamChunk(chunk, raw));
      },
      {
        isClosed: () => subscriber.closed,
        flow: options.flow,
        shortcut: this.shortcutRoute(),
        limits: this.context.sizes,
        onProgress: this.timeouts.progress,
      },
    );
    if (end === 'closed') {
      return;
    }
    this.settled = true;
    meter.end();
    summary.end();
    subscriber.complete();
  }

  /** Where shortcut items go: the meter reads usage only, which no shortcut item carries. */
  private shortcutRoute(): ShortcutRoute<T> | undefined {
    const read = this.shortcut;
    return (
      read && {
        read,
        onItem: (item) => {
          this.summary.item();
          this.subscriber.next(item);
        },
      }
    );
  }

  private fail(caught: unknown): void {
    const error = this.timeouts.explain(caught, this.target.name);
    this.meter?.end(error);
    this.summary.end(error);
    if (this.subscriber.closed) {
      return;
    }
    this.subscriber.error(
      isAbortError(error)
        ? error
        : toUpstreamException(error, this.target.name),
    );
  }

  private cancel(): void {
    this.timeouts.stop();
    if (!this.settled) {
      this.summary.end(new DOMException('cancelled', 'AbortError'));
      this.timeouts.cancel();
    }
  }
}
