import { Observable } from 'rxjs';
import type {
  UpstreamMetrics,
  StreamMeter,
} from './metrics/upstream-metrics.js';
import { CallTimeouts, type CallTimeLimits } from './call-timeouts.js';
import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
} from '../protocol/chat-completion.types.js';
import { readChatStream } from './chat-stream.reader.js';
import type { UpstreamCallOptions } from './upstream-call.types.js';
import { ModelCallSummary, type SummarySink } from './model-call-summary.js';
import { isAbortError, toUpstreamException } from './upstream-errors.js';
import type { UpstreamSizeLimits } from './upstream-limits.js';
import type { RetryResult } from './upstream-retry.js';
import type { UpstreamTarget } from '../config/upstreams/upstream-target.js';
import type { ChunkShortcut } from './verbatim-chunk.js';

/** What an upstream call needs from LlmClientService: how to send, and its limits. */
export interface UpstreamCallContext {
  /** POSTs the request with retries and checks its status (a 2xx or a throw). */
  send(
    target: UpstreamTarget,
    body: ChatCompletionRequest,
    options: UpstreamCallOptions,
  ): Promise<RetryResult>;
  meter: UpstreamMetrics;
  /** Where each call's summary line and duration go. */
  summaries: SummarySink;
  sizes: UpstreamSizeLimits;
  times: CallTimeLimits;
}

/**
 * One streaming chat completion as a cold Observable (see
 * LlmClientService.streamChatItems): sent on subscription, each chunk (or
 * shortcut item) emitted as it is read, unsubscribing aborts the request.
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
): Observable<ChatCompletionChunk | T> {
  return new Observable<ChatCompletionChunk | T>((subscriber) => {
    const abort = new AbortController();
    const timeouts = new CallTimeouts(
      context.times,
      abort.signal,
      options.signal,
    );
    let target = options.target;
    // Set once the body was read to its end: aborting then would only cost
    // an AbortError (with its stack) per stream. A failure leaves it unset:
    // the upstream must stop sending what nobody reads.
    let settled = false;
    let meter: StreamMeter | undefined;
    const summary = new ModelCallSummary(
      context.summaries,
      target.name,
      body.model,
    );
    const run = async (): Promise<void> => {
      const answer = await context.send(
        target,
        {
          ...body,
          stream: true,
          stream_options: { ...body.stream_options, include_usage: true },
        },
        { ...options, signal: timeouts.signal },
      );
      target = answer.target;
      summary.answeredBy(target.name);
      meter = context.meter.stream(target.name, body.model);
      timeouts.watchEvents();
      const end = await readChatStream(
        answer.response.body,
        target.name,
        (chunk) => {
          meter?.chunk(chunk);
          summary.chunk(chunk);
          subscriber.next(chunk);
        },
        {
          isClosed: () => subscriber.closed,
          flow: options.flow,
          // The meter reads usage only, which no shortcut item carries.
          shortcut: shortcut && {
            read: shortcut,
            onItem: (item) => {
              summary.item();
              subscriber.next(item);
            },
          },
          limits: context.sizes,
          onProgress: timeouts.progress,
        },
      );
      if (end === 'closed') {
        return;
      }
      settled = true;
      meter.end();
      summary.end();
      subscriber.complete();
    };
    run()
      .catch((caught: unknown) => {
        const error = timeouts.explain(caught, target.name);
        meter?.end(error);
        summary.end(error);
        if (subscriber.closed) {
          return;
        }
        subscriber.error(
          isAbortError(error) ? error : toUpstreamException(error, target.name),
        );
      })
      .finally(() => timeouts.stop());
    return () => {
      timeouts.stop();
      if (!settled) {
        summary.end(new DOMException('cancelled', 'AbortError'));
        abort.abort();
      }
    };
  });
}
