/** First backoff step; each retry doubles it. */
const RETRY_BASE_DELAY_MS = 200;
/** Longest backoff step. */
export const RETRY_MAX_DELAY_MS = 5_000;
/** Longest wait a `retry-after` header can ask for. */
export const RETRY_AFTER_CAP_MS = 30_000;

/**
 * Milliseconds a `retry-after` header asks to wait: delta-seconds or an HTTP
 * date (RFC 9110 §10.2.3), capped at {@link RETRY_AFTER_CAP_MS}. Undefined
 * when the header is absent or unreadable.
 */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now = Date.now(),
): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) {
    return undefined;
  }
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    // An HTTP date always names its weekday and month; Date.parse alone
    // would read numbers such as `-1` as years.
    const date = /[A-Za-z]/.test(text) ? Date.parse(text) : Number.NaN;
    if (Number.isNaN(date)) {
      return undefined;
    }
    ms = Math.max(0, date - now);
  }
  return Math.min(Math.round(ms), RETRY_AFTER_CAP_MS);
}

/**
 * Exponential backoff with jitter before retry number `retry` (1-based):
 * the step doubles from {@link RETRY_BASE_DELAY_MS} up to
 * {@link RETRY_MAX_DELAY_MS}, and the wait is a random point in its upper half,
 * so clients that failed together do not retry together.
 */
export function backoffDelay(
  retry: number,
  random: () => number = Math.random,
): number {
  const step = Math.min(
    RETRY_MAX_DELAY_MS,
    RETRY_BASE_DELAY_MS * 2 ** Math.max(0, retry - 1),
  );
  return Math.round(step / 2 + random() * (step / 2));
}

/** The wait before retry number `retry`: the upstream's `retry-after` wins. */
export function retryDelay(
  retry: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  return retryAfterMs ?? backoffDelay(retry, random);
}
