import type { Logger } from '@nestjs/common';
import { GatewayException } from '../common/errors/gateway.exception.js';
import { isAbortError } from '../common/errors/is-abort-error.js';
import {
  currentRequest,
  noteModelCall,
} from '../common/logging/request-context.js';
import type {
  ModelCallMetrics,
  ModelCallOutcome,
} from './metrics/model-call-metrics.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatUsage,
} from '../protocol/chat-completion.types.js';

/** Where summaries go: a log line each, and the model-call histograms. */
export interface SummarySink {
  logger: Pick<Logger, 'log'>;
  metrics: ModelCallMetrics;
}

/**
 * Follows one model call and, when it ends, writes its summary line at
 * info (upstream, model, time to first token, duration, tokens in and out,
 * finish reason, tool calls the upstream sent, outcome) and observes its
 * duration and time to first token. Ending twice counts once.
 */
export class ModelCallSummary {
  private readonly startedAt = performance.now();
  private firstTokenAt: number | null = null;
  private usage: ChatUsage | undefined;
  private finishReason: string | null = null;
  private readonly toolCalls = new Set<string>();
  private ended = false;
  /** The request the call serves, told its usage at the end (rate limits). */
  private readonly request = currentRequest();

  constructor(
    private readonly sink: SummarySink,
    private upstream: string,
    private readonly model: string,
  ) {
    noteModelCall(upstream, model);
  }

  /** The call moved to another upstream (the fallback). */
  answeredBy(upstream: string): void {
    this.upstream = upstream;
    noteModelCall(upstream, this.model);
  }

  /** Any streamed item, parsed or not: the first one is the first token. */
  item(): void {
    this.firstTokenAt ??= performance.now();
  }

  /** A parsed chunk: its usage, finish reason and tool calls are read. */
  chunk(chunk: ChatCompletionChunk): void {
    this.item();
    this.usage = chunk.usage ?? this.usage;
    for (const choice of chunk.choices ?? []) {
      this.finishReason = choice.finish_reason ?? this.finishReason;
      for (const call of choice.delta?.tool_calls ?? []) {
        this.toolCalls.add(`${choice.index}:${call.index ?? call.id}`);
      }
    }
  }

  /** A non-streamed answer. */
  completion(completion: ChatCompletion): void {
    this.usage = completion.usage ?? undefined;
    const choice = completion.choices?.[0];
    this.finishReason = choice?.finish_reason ?? null;
    for (const call of choice?.message?.tool_calls ?? []) {
      this.toolCalls.add(call.id);
    }
  }

  /** The call ended: without `error` it answered, else it failed or was cancelled. */
  end(error?: unknown): void {
    if (this.ended) {
      return;
    }
    this.ended = true;
    this.request?.modelCallEnded?.(this.usage);
    const endedAt = performance.now();
    const outcome = outcomeOf(error);
    const ttftMs =
      this.firstTokenAt === null
        ? null
        : Math.round(this.firstTokenAt - this.startedAt);
    this.sink.metrics.observe({
      upstream: this.upstream,
      model: this.model,
      outcome,
      seconds: (endedAt - this.startedAt) / 1000,
      firstTokenSeconds: ttftMs === null ? null : ttftMs / 1000,
    });
    this.sink.logger.log({
      msg: 'model call',
      upstream: this.upstream,
      model: this.model,
      outcome,
      ...(error instanceof GatewayException ? { error: error.code } : {}),
      ttftMs,
      ms: Math.round(endedAt - this.startedAt),
      tokensIn: this.usage?.prompt_tokens ?? null,
      tokensOut: this.usage?.completion_tokens ?? null,
      finishReason: this.finishReason,
      toolCalls: this.toolCalls.size,
    });
  }
}

function outcomeOf(error: unknown): ModelCallOutcome {
  if (error === undefined) {
    return 'ok';
  }
  return isAbortError(error) ? 'cancelled' : 'error';
}
