import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  parseRetryAfter,
  RETRY_AFTER_CAP_MS,
  RETRY_MAX_DELAY_MS,
  retryDelay,
} from './retry-delay.js';

describe(parseRetryAfter.name, () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('1', now)).toBe(1_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1_500);
    expect(parseRetryAfter(['2', '9'], now)).toBe(2_000);
  });

  it('reads an HTTP date, and a date in the past as no wait', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });

  it('caps a long wait', () => {
    expect(parseRetryAfter('3600', now)).toBe(RETRY_AFTER_CAP_MS);
    expect(parseRetryAfter('Fri, 02 Jan 2026 00:00:00 GMT', now)).toBe(
      RETRY_AFTER_CAP_MS,
    );
  });

  it('ignores a missing or unreadable header', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
  });
});

describe(backoffDelay.name, () => {
  it('doubles each retry, within the upper half of the step', () => {
    expect([1, 2, 3].map((r) => backoffDelay(r, () => 0))).toEqual([
      100, 200, 400,
    ]);
    expect([1, 2, 3].map((r) => backoffDelay(r, () => 1))).toEqual([
      200, 400, 800,
    ]);
  });

  it('never waits longer than the cap', () => {
    expect(backoffDelay(30, () => 1)).toBe(RETRY_MAX_DELAY_MS);
    expect(backoffDelay(30, () => 0)).toBe(RETRY_MAX_DELAY_MS / 2);
  });
});

describe(retryDelay.name, () => {
  it("prefers the upstream's retry-after to the backoff", () => {
    expect(retryDelay(1, 1_000, () => 1)).toBe(1_000);
    expect(retryDelay(1, 0, () => 1)).toBe(0);
    expect(retryDelay(2, undefined, () => 1)).toBe(400);
  });
});
