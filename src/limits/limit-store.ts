import type { TenantLimits } from '../config/security/tenant.js';

/**
 * The limits a key may have, as the `kind` label of gateway_rate_limited_total
 * and the names the stores report them by.
 */
export type LimitKind =
  'requests_per_minute' | 'tokens_per_minute' | 'tokens_per_day';

/** One limit's state after a check, for the `x-ratelimit-*` headers. */
export interface Quota {
  readonly limit: number;
  /** What is left now (never below 0). */
  readonly remaining: number;
  /** Milliseconds until the limit is back to its initial state (nothing used). */
  readonly resetMs: number;
}

/** The state of each limit the key has (an absent limit has no entry). */
export type Quotas = Partial<Record<LimitKind, Quota>>;

/** What a check costs: a request (0 or 1) and an estimate of tokens. */
export interface LimitCost {
  readonly requests: number;
  readonly tokens: number;
}

/**
 * Tokens a check took on estimate, so the call's real usage can replace
 * them: where they were counted (the second and the UTC day of the store's
 * clock) and how many.
 */
export interface TokenReservation {
  readonly tenantId: string;
  readonly limits: TenantLimits;
  readonly tokens: number;
  readonly second: number;
  readonly day: number;
}

/** The answer to a check. */
export interface LimitDecision {
  /** The limit the cost does not fit in; undefined when it was taken. */
  readonly refusedBy?: LimitKind;
  /** For a refusal: milliseconds until the same cost would fit. */
  readonly retryAfterMs: number;
  /** For a refusal: what the limit had used (for the message). */
  readonly used: number;
  readonly quotas: Quotas;
  /** The tokens taken, when the cost had any and was taken. */
  readonly reservation?: TokenReservation;
}

/**
 * Counts requests and tokens per key against its limits: in memory for one
 * replica, in Redis for all of them. Both keep the same windows:
 * - requests and tokens per minute: a sliding window of 60 one-second
 *   buckets. A cost taken in second `s` counts until second `s + 60`
 *   starts, so a test can name exactly what is left at any instant, and
 *   the window is never more than one second coarser than a true sliding
 *   log, at 60 counters per key rather than one entry per request;
 * - tokens per day: a fixed window, the UTC day (it resets at midnight UTC).
 * A check takes its whole cost or nothing, atomically (no race between
 * replicas can admit more than the limit).
 */
export interface LimitStore {
  /** Takes `cost` from `tenantId`'s limits, unless a limit it has would go over. */
  take(
    tenantId: string,
    limits: TenantLimits,
    cost: LimitCost,
  ): Promise<LimitDecision>;
  /**
   * Replaces a reservation by what was really used: its tokens leave the
   * bucket and day they were counted in (when still counted), `usedTokens`
   * are counted now. Never refuses.
   */
  settle(reservation: TokenReservation, usedTokens: number): Promise<void>;
  /** Lets go of the store's connection, if it has one. */
  close(): Promise<void>;
}

/** Seconds in the per-minute windows. */
export const WINDOW_SECONDS = 60;
/** Milliseconds in a UTC day. */
export const DAY_MS = 86_400_000;

/** The limit of `kind` in `limits`, if the key has one. */
export function limitOf(
  limits: TenantLimits,
  kind: LimitKind,
): number | undefined {
  switch (kind) {
    case 'requests_per_minute':
      return limits.requestsPerMinute;
    case 'tokens_per_minute':
      return limits.tokensPerMinute;
    case 'tokens_per_day':
      return limits.tokensPerDay;
  }
}

/** Whether `limits` has any limit at all. */
export function hasLimits(limits: TenantLimits): boolean {
  return (
    limits.requestsPerMinute !== undefined ||
    limits.tokensPerMinute !== undefined ||
    limits.tokensPerDay !== undefined
  );
}

/** Whether `limits` limits tokens. */
export function limitsTokens(limits: TenantLimits): boolean {
  return (
    limits.tokensPerMinute !== undefined || limits.tokensPerDay !== undefined
  );
}
