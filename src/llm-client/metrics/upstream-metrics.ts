import { Registry } from 'prom-client';
import { CellCounter } from '../../metrics/cell-metrics.js';
import type { Dispatcher } from 'undici';
import {
  GatewayException,
  type GatewayErrorCode,
} from '../../common/errors/gateway.exception.js';
import { isAbortError } from '../../common/errors/is-abort-error.js';
import { currentRequest } from '../../common/logging/request-context.js';
import type {
  ChatCompletionChunk,
  ChatUsage,
} from '../../protocol/chat-completion.types.js';
import { toUpstreamException } from '../upstream-errors.js';
import { MetricLabels } from '../../metrics/metric-labels.js';

/**
 * The `kind` label of an upstream failure: `http_<status>` for a non-2xx
 * answer, else `timeout`, `unreachable`, `bad_response` or `other`.
 */
export function upstreamErrorKind(error: GatewayException): string {
  if (error.code === 'upstream_error') {
    return `http_${error.options.status ?? 502}`;
  }
  return KIND_BY_CODE[error.code] ?? 'other';
}

const KIND_BY_CODE: Partial<Record<GatewayErrorCode, string>> = {
  upstream_timeout: 'timeout',
  upstream_unreachable: 'unreachable',
  upstream_bad_response: 'bad_response',
};

/** One streamed completion being measured; see UpstreamMetrics.stream(). */
export interface StreamMeter {
  /** Every chunk passes here; only its usage is looked at. */
  chunk(chunk: ChatCompletionChunk): void;
  /** The stream ended: counts its tokens, and a failure that is not an abort. */
  end(error?: unknown): void;
}

/**
 * Upstream traffic: every HTTP attempt with its outcome, failures by kind,
 * retries, and the tokens the upstream reported. LlmClientService feeds it.
 * The `upstream` and `model` labels only take the values `labels` knows;
 * any other name is counted as `other`.
 */
export class UpstreamMetrics {
  private readonly requests: CellCounter<'upstream' | 'outcome'>;
  private readonly errors: CellCounter<'upstream' | 'kind'>;
  private readonly retries: CellCounter<'upstream'>;
  private readonly tokens: CellCounter<'model' | 'direction' | 'tenant'>;

  constructor(
    registry: Registry,
    private readonly labels: MetricLabels,
  ) {
    const registers = [registry];
    this.requests = new CellCounter({
      name: 'gateway_upstream_requests_total',
      help: 'Upstream HTTP attempts (retries included) by upstream and outcome (ok, error, aborted).',
      labelNames: ['upstream', 'outcome'],
      registers,
    });
    this.errors = new CellCounter({
      name: 'gateway_upstream_errors_total',
      help: 'Upstream failures by kind: http_<status>, timeout, unreachable, bad_response, other.',
      labelNames: ['upstream', 'kind'],
      registers,
    });
    this.retries = new CellCounter({
      name: 'gateway_upstream_retries_total',
      help: 'Upstream attempts that failed and were retried, or handed to the fallback upstream.',
      labelNames: ['upstream'],
      registers,
    });
    this.tokens = new CellCounter({
      name: 'gateway_tokens_total',
      help: "Tokens the upstream reported, by model (a configured or listed model, else other), direction (input, output) and tenant (the key's name, unnamed, or none).",
      labelNames: ['model', 'direction', 'tenant'],
      registers,
    });
  }

  /** Metrics that count into a registry nobody reads (no MetricsService). */
  static detached(): UpstreamMetrics {
    return new UpstreamMetrics(new Registry(), new MetricLabels());
  }

  /**
   * Counts one HTTP attempt when it settles and returns it unchanged: a
   * 2xx/3xx answer is `ok`, any other answer and a transport failure are
   * `error` (and counted by kind), our own cancel is `aborted`.
   */
  track(
    upstreamName: string,
    attempt: Promise<Dispatcher.ResponseData>,
  ): Promise<Dispatcher.ResponseData> {
    const upstream = this.labels.upstream.of(upstreamName);
    attempt.then(
      (response) => {
        const ok = response.statusCode < 400;
        this.requests.inc({ upstream, outcome: ok ? 'ok' : 'error' });
        if (!ok) {
          this.errors.inc({ upstream, kind: `http_${response.statusCode}` });
        }
      },
      (error: unknown) => {
        if (isAbortError(error)) {
          this.requests.inc({ upstream, outcome: 'aborted' });
          return;
        }
        this.requests.inc({ upstream, outcome: 'error' });
        this.failed(upstreamName, error);
      },
    );
    return attempt;
  }

  /** An attempt on `upstream` failed and another one follows. */
  retried(upstream: string): void {
    this.retries.inc({ upstream: this.labels.upstream.of(upstream) });
  }

  /** A failure outside an attempt, e.g. a stream that broke after its start. */
  failed(upstream: string, error: unknown): void {
    const exception =
      error instanceof GatewayException
        ? error
        : toUpstreamException(error, upstream);
    this.errors.inc({
      upstream: this.labels.upstream.of(upstream),
      kind: upstreamErrorKind(exception),
    });
  }

  /** Counts the usage of a non-streamed completion. */
  usage(modelName: string, usage: ChatUsage | null | undefined): void {
    if (!usage) {
      return;
    }
    const model = this.labels.model.of(modelName);
    // The request's tenant, which the auth hook put in its context.
    const tenant = this.labels.tenant(currentRequest()?.tenant);
    this.tokens.inc(
      { model, direction: 'input', tenant },
      count(usage.prompt_tokens),
    );
    this.tokens.inc(
      { model, direction: 'output', tenant },
      count(usage.completion_tokens),
    );
  }

  /**
   * Measures a stream whose answer has begun on `upstream`. Only the last
   * usage seen counts, once at the end, so a backend that repeats usage in
   * every chunk is not counted many times.
   */
  stream(upstream: string, requestedModel: string): StreamMeter {
    let usage: ChatUsage | undefined;
    let model = requestedModel;
    let ended = false;
    return {
      chunk: (chunk) => {
        if (chunk.usage) {
          usage = chunk.usage;
          model = chunk.model || requestedModel;
        }
      },
      end: (error) => {
        if (ended) {
          return;
        }
        ended = true;
        this.usage(model, usage);
        if (error !== undefined && !isAbortError(error)) {
          this.failed(upstream, error);
        }
      },
    };
  }
}

/** A token count as reported, or 0 for a missing or malformed one. */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0
    ? value
    : 0;
}
