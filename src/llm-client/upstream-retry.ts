import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { rejection } from '../common/rejection.js';
import { CallAbort } from './call-abort.js';
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
  signal?: AbortSignal | CallAbort | undefined;
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
export function sendWithRetries(plan: RetryPlan): Promise<RetryResult> {
  const targets = plan.targets.filter((t) => t !== undefined);
  if (targets.length === 0) {
    // Only reachable with an empty target list, which the tuple type forbids.
    return Promise.reject(
      new Error('sendWithRetries needs at least one upstream'),
    );
  }
  return attemptFrom(plan, targets, 0, 1);
}

/**
 * Attempt number `attempt` (1-based) on `targets[index]`, then whatever
 * follows it: a retry after a backoff, the fallback, or the answer. Chained
 * promises rather than an async loop: the first attempt, which almost
 * always answers, costs no more promises than it must.
 */
function attemptFrom(
  plan: RetryPlan,
  targets: readonly UpstreamTarget[],
  index: number,
  attempt: number,
): Promise<RetryResult> {
  const target = targets[index]!;
  const attempts = index === 0 ? plan.maxRetries + 1 : 1;
  const next = targets[index + 1];
  const last = attempt >= attempts && next === undefined;
  return attemptOnce(plan, target, last).then((outcome) => {
    if ('response' in outcome) {
      return outcome;
    }
    const event = { upstream: target.name, attempt, ...outcome.reason };
    if (attempt >= attempts) {
      // Not `last`, so there is a fallback to try.
      plan.onRetry({ ...event, fallback: next?.name });
      return attemptFrom(plan, targets, index + 1, 1);
    }
    const delayMs = retryDelay(attempt, outcome.retryAfterMs, plan.random);
    plan.onRetry({ ...event, delayMs });
    const signal =
      plan.signal instanceof CallAbort ? plan.signal.signal : plan.signal;
    return sleep(delayMs, undefined, { signal }).then(() =>
      attemptFrom(plan, targets, index, attempt + 1),
    );
  });
}

type Attempt =
  | RetryResult
  | {
      reason: { status?: number; code?: string };
      retryAfterMs?: number;
    };

function attemptOnce(
  plan: RetryPlan,
  target: UpstreamTarget,
  last: boolean,
): Promise<Attempt> {
  let sent: Promise<Dispatcher.ResponseData>;
  try {
    sent = plan.send(target);
  } catch (error) {
    sent = rejection(error);
  }
  return sent.then(
    (response) => {
      if (last || !RETRYABLE_STATUSES.has(response.statusCode)) {
        return { response, target };
      }
      // Free the connection for the next attempt; the body is not needed.
      return response.body
        .dump()
        .catch(() => undefined)
        .then(() => ({
          reason: { status: response.statusCode },
          retryAfterMs: parseRetryAfter(response.headers['retry-after']),
        }));
    },
    (error: unknown) => {
      if (isAbortError(error)) {
        throw error;
      }
      const code = connectFailureCode(error);
      if (last || code === undefined) {
        throw toUpstreamException(error, target.name);
      }
      return { reason: { code } };
    },
  );
}
