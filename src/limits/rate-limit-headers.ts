import type { LimitKind, Quotas } from './limit-store.js';

/**
 * The header suffix of each limit: OpenAI's `x-ratelimit-*-requests` and
 * `-tokens` (per minute), and `-tokens-day` for the daily token limit,
 * which OpenAI's headers do not cover.
 */
const HEADER_SUFFIXES: readonly (readonly [LimitKind, string])[] = [
  ['requests_per_minute', 'requests'],
  ['tokens_per_minute', 'tokens'],
  ['tokens_per_day', 'tokens-day'],
];

/**
 * A duration the way OpenAI's `x-ratelimit-reset-*` headers write it (Go's
 * time.Duration): `120ms`, `1s`, `59.2s`, `6m0s`, `1h2m3s`.
 */
export function formatDuration(ms: number): string {
  const whole = Math.max(0, Math.ceil(ms));
  if (whole < 1000) {
    return whole === 0 ? '0s' : `${whole}ms`;
  }
  const hours = Math.floor(whole / 3_600_000);
  const minutes = Math.floor((whole % 3_600_000) / 60_000);
  const seconds = `${(whole % 60_000) / 1000}s`;
  if (hours > 0) {
    return `${hours}h${minutes}m${seconds}`;
  }
  return minutes > 0 ? `${minutes}m${seconds}` : seconds;
}

/** The `x-ratelimit-{limit,remaining,reset}-*` headers of each limit the key has. */
export function quotaHeaders(quotas: Quotas): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [kind, suffix] of HEADER_SUFFIXES) {
    const quota = quotas[kind];
    if (quota !== undefined) {
      headers[`x-ratelimit-limit-${suffix}`] = String(quota.limit);
      headers[`x-ratelimit-remaining-${suffix}`] = String(quota.remaining);
      headers[`x-ratelimit-reset-${suffix}`] = formatDuration(quota.resetMs);
    }
  }
  return headers;
}

/** `retry-after`: whole seconds, at least 1 (clients read 0 as "now"). */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
