import { getHeapStatistics } from 'node:v8';
import type { ServerEnvironment } from './server.env.js';

/**
 * The share of V8's heap limit that request bodies may hold at once, unless
 * MAX_INFLIGHT_BODY_BYTES says otherwise. A buffered JSON body lives in the
 * heap several times over while its request runs (the body text, the parsed
 * object, the upstream request's JSON): measured on the built gateway under
 * `--max-old-space-size=256` (a 304 MiB heap limit), three 30 MB chat bodies
 * held at once survive and four abort the process. An eighth of the limit
 * (one such body) keeps bodies to about a third of the heap at worst and
 * leaves the rest to streams, the response store and garbage not yet
 * collected.
 */
export const DEFAULT_HEAP_SHARE = 1 / 8;

/** The sizes the gateway bounds request bodies by, as decided at start. */
export interface MemoryBudget {
  /** V8's heap limit (`heap_size_limit`): --max-old-space-size plus the young generation. */
  heapLimitBytes: number;
  /** Bytes of request bodies held at once; more waits for a 503's retry-after. */
  maxInflightBodyBytes: number;
  /** Largest single body: BODY_LIMIT_BYTES, but never more than the budget. */
  bodyLimitBytes: number;
  /** True when BODY_LIMIT_BYTES was larger than the budget and was lowered to it. */
  bodyLimitLowered: boolean;
}

type BudgetSettings = Pick<
  ServerEnvironment,
  'BODY_LIMIT_BYTES' | 'MAX_INFLIGHT_BODY_BYTES'
>;

/**
 * Derives the memory budget: MAX_INFLIGHT_BODY_BYTES, or an eighth of the
 * heap limit when unset; then the body limit, which is at most the budget,
 * because a body the budget can never hold would get 503s forever instead
 * of a 413.
 */
export function memoryBudget(
  settings: BudgetSettings,
  heapLimitBytes: number = getHeapStatistics().heap_size_limit,
): MemoryBudget {
  const maxInflightBodyBytes =
    settings.MAX_INFLIGHT_BODY_BYTES ??
    Math.floor(heapLimitBytes * DEFAULT_HEAP_SHARE);
  const bodyLimitBytes = Math.min(
    settings.BODY_LIMIT_BYTES,
    maxInflightBodyBytes,
  );
  return {
    heapLimitBytes,
    maxInflightBodyBytes,
    bodyLimitBytes,
    bodyLimitLowered: bodyLimitBytes < settings.BODY_LIMIT_BYTES,
  };
}
