import type { OpenAiErrorBody } from '../common/errors/gateway.exception.js';
import type { LimitKind } from './limit-store.js';
import { formatDuration, retryAfterSeconds } from './rate-limit-headers.js';

/** How OpenAI's messages name each limit. */
const LIMIT_NAMES: Record<LimitKind, string> = {
  requests_per_minute: 'requests per minute (RPM)',
  tokens_per_minute: 'tokens per minute (TPM)',
  tokens_per_day: 'tokens per day (TPD)',
};

/** What a refused check knew, for the 429's message. */
export interface Refusal {
  readonly kind: LimitKind;
  readonly limit: number;
  readonly used: number;
  readonly requested: number;
  readonly retryAfterMs: number;
}

/**
 * The 429 body OpenAI sends over a rate limit: `type` `requests` or
 * `tokens`, code `rate_limit_exceeded`, and its message's wording. A
 * request that could never fit (more tokens than the limit) is told so.
 */
export function rateLimitedBody(refusal: Refusal): OpenAiErrorBody {
  const { kind, limit, used, requested } = refusal;
  const name = LIMIT_NAMES[kind];
  const message =
    requested > limit
      ? `Request too large for ${name}: Limit ${limit}, Requested ${requested}. The input or output tokens must be reduced in order to run successfully.`
      : `Rate limit reached for ${name}: Limit ${limit}, Used ${used}, Requested ${requested}. Please try again in ${formatDuration(refusal.retryAfterMs)}.`;
  return {
    error: {
      message,
      type: kind === 'requests_per_minute' ? 'requests' : 'tokens',
      param: null,
      code: 'rate_limit_exceeded',
    },
  };
}

/**
 * A check that refused, whatever carries the answer: an HTTP answer, or
 * the error event of a WebSocket turn (which has no headers: its message
 * says when to retry).
 */
export interface LimitRefusal {
  readonly status: 429 | 503;
  readonly body: OpenAiErrorBody;
  /** `retry-after` (whole seconds) and, for a 429, `retry-after-ms`. */
  readonly headers: Readonly<Record<string, string>>;
}

/** The 429 of a limit the request does not fit in. */
export function rateLimited(refusal: Refusal): LimitRefusal {
  return {
    status: 429,
    body: rateLimitedBody(refusal),
    headers: {
      'retry-after': String(retryAfterSeconds(refusal.retryAfterMs)),
      'retry-after-ms': String(Math.ceil(refusal.retryAfterMs)),
    },
  };
}

/** `retry-after` of the 503 a closed failure policy answers. */
const STORE_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** The 503 when the limit store failed and RATE_LIMIT_ON_STORE_FAILURE is `closed`. */
export function limitStoreUnavailable(): LimitRefusal {
  return {
    status: 503,
    body: {
      error: {
        message:
          'The rate limits of this key cannot be checked right now (their store is unavailable). Retry after a few seconds.',
        type: 'server_error',
        param: null,
        code: 'rate_limit_store_unavailable',
      },
    },
    headers: { 'retry-after': String(STORE_UNAVAILABLE_RETRY_AFTER_SECONDS) },
  };
}
