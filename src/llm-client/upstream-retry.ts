import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { retryDelay, parseRetryAfter } from './retry-delay.js';
import {
  connectFailureCode,
  isAbortError,
  toUpstreamException,
} from './upstream-errors.js';
import type { UpstreamTarget } from '../config/upstreams/upstream-target.js';

/** Statuses that say "try again later" rather than "this request is wrong". */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503]);

/** One failed attempt that is followed by another. */
export interface RetryEvent {
  upstream: string;
  /** The attempt that failed, 1-based. */
  attempt: number;
  status?: number;
  code?: string;
  /** The wait before the next attempt on the same upstream. */
  delayMs?: number;
  /** Set when the next attempt goes to the fallback upstream instead. */
  fallback?: string;
}

/** The log line of a retry event; the event itself never holds a key. */
export function retryMessage(event: RetryEvent): string {
  return event.fallback
    ? 'upstream request failed, trying the fallback upstream'
    : 'upstream request failed, retrying';
}

/** How one upstream request is retried. */
export interface RetryPlan {
  /** The upstream first, then an optional fallback that is tried once. */
  targets: readonly [UpstreamTarget, UpstreamTarget?];
  /** Retries on the first upstream after its first attempt. */
  maxRetries: number;
  /** Aborting it stops at once, also during a backoff wait. */
  signal?: AbortSignal;
  /** Sends the request once to `target`; must be callable again. */
  send(target: UpstreamTarget): Promise<Dispatcher.ResponseData>;
  /** Called before each further attempt (logging). */
  onRetry(event: RetryEvent): void;
  random?: () => number;
}

/** The answer that ended the attempts, and who gave it. */
export interface RetryResult {
  response: Dispatcher.ResponseData;
  target: UpstreamTarget;
}

/**
 * Sends a replayable request, retrying a refused connection (or connect
 * timeout) and a 429/502/503 with exponential backoff and jitter, honouring
 * `retry-after`; once the retries run out, tries the fallback once. Resolves
 * with the last answer whatever its status, so the caller reports it; rejects
 * with a GatewayException for a transport failure, or the abort error.
 * It returns before any byte of a body is read, so nothing here can repeat
 * what a client already received.
 */
export async function sendWithRetries(plan: RetryPlan): Promise<RetryResult> {
  const targets = plan.targets.filter((t) => t !== undefined);
  for (const [index, target] of targets.entries()) {
    const attempts = index === 0 ? plan.maxRetries + 1 : 1;
    const next = targets[index + 1];
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= attempts && next === undefined;
      const failure = await attemptOnce(plan, target, last);
      if ('response' in failure) {
        return failure;
      }
      const event = { upstream: target.name, attempt, ...failure.reason };
      if (attempt >= attempts) {
        // Not `last`, so there is a fallback to try.
        plan.onRetry({ ...event, fallback: next?.name });
        break;
      }
      const delayMs = retryDelay(attempt, failure.retryAfterMs, plan.random);
      plan.onRetry({ ...event, delayMs });
      await sleep(delayMs, undefined, { signal: plan.signal });
    }
  }
  // Only reachable with an empty target list, which the tuple type forbids.
  throw new Error('sendWithRetries needs at least one upstream');
}

type Attempt =
  | RetryResult
  | {
      reason: { status?: number; code?: string };
      retryAfterMs?: number;
    };

async function attemptOnce(
  plan: RetryPlan,
  target: UpstreamTarget,
  last: boolean,
): Promise<Attempt> {
  let response: Dispatcher.ResponseData;
  try {
    response = await plan.send(target);
  } catch (error) {
    const code = connectFailureCode(error);
    if (isAbortError(error)) {
      throw error;
    }
    if (last || code === undefined) {
      throw toUpstreamException(error, target.name);
    }
    return { reason: { code } };
  }
  if (last || !RETRYABLE_STATUSES.has(response.statusCode)) {
    return { response, target };
  }
  // Free the connection for the next attempt; the body is not needed.
  await response.body.dump().catch(() => undefined);
  return {
    reason: { status: response.statusCode },
    retryAfterMs: parseRetryAfter(response.headers['retry-after']),
  };
}
