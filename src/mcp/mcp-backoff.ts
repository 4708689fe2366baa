/** Bounds of the reconnect backoff. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /**
   * How long a connection must stay up before its loss starts the backoff
   * from the beginning again. A server that connects and then exits at once
   * is a failing server, not a recovered one.
   */
  stableAfterMs: number;
}

/**
 * Reconnects start after 0.5 s and double up to 30 s; a connection that
 * stayed up 30 s resets them.
 */
export const DEFAULT_RECONNECT_BACKOFF: BackoffPolicy = {
  initialMs: 500,
  maxMs: 30_000,
  stableAfterMs: 30_000,
};

/** Delay before reconnect attempt `attempt` (0-based): doubling, capped. Pure. */
export function reconnectDelayMs(
  attempt: number,
  policy: Pick<BackoffPolicy, 'initialMs' | 'maxMs'>,
): number {
  const exponent = Math.min(Math.max(attempt, 0), 30);
  return Math.min(policy.initialMs * 2 ** exponent, policy.maxMs);
}

/**
 * The failed-attempt count to go on from when a connection that was up for
 * `upForMs` is lost: 0 when it had been stable, so the next reconnect is
 * quick; otherwise the count it had, so a connect-then-exit loop keeps
 * backing off instead of respawning the server every half second. Pure.
 */
export function attemptsAfterDisconnect(
  failedAttempts: number,
  upForMs: number,
  policy: Pick<BackoffPolicy, 'stableAfterMs'>,
): number {
  return upForMs >= policy.stableAfterMs ? 0 : failedAttempts;
}
