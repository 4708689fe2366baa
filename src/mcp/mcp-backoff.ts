/** Bounds of the reconnect backoff. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

/** Reconnects start after 0.5 s and double up to 30 s. */
export const DEFAULT_RECONNECT_BACKOFF: BackoffPolicy = {
  initialMs: 500,
  maxMs: 30_000,
};

/** Delay before reconnect attempt `attempt` (0-based): doubling, capped. Pure. */
export function reconnectDelayMs(
  attempt: number,
  policy: BackoffPolicy,
): number {
  const exponent = Math.min(Math.max(attempt, 0), 30);
  return Math.min(policy.initialMs * 2 ** exponent, policy.maxMs);
}
