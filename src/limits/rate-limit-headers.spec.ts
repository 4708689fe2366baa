import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  quotaHeaders,
  retryAfterSeconds,
} from './rate-limit-headers.js';
import { rateLimitedBody } from './rate-limit-answers.js';

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [-5, '0s'],
    [0.2, '1ms'],
    [120, '120ms'],
    [999, '999ms'],
    [1_000, '1s'],
    [59_200, '59.2s'],
    [59_750, '59.75s'],
    [60_000, '1m0s'],
    [360_000, '6m0s'],
    [361_500, '6m1.5s'],
    [3_723_000, '1h2m3s'],
    [86_400_000, '24h0m0s'],
  ])('writes %d ms as %s, as OpenAI (Go) does', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('quotaHeaders', () => {
  it('writes the limit, remaining and reset of each limit the key has', () => {
    expect(
      quotaHeaders({
        requests_per_minute: { limit: 5, remaining: 0, resetMs: 59_750 },
        tokens_per_minute: { limit: 1000, remaining: 940, resetMs: 1_000 },
        tokens_per_day: { limit: 90_000, remaining: 89_940, resetMs: 360_000 },
      }),
    ).toEqual({
      'x-ratelimit-limit-requests': '5',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '59.75s',
      'x-ratelimit-limit-tokens': '1000',
      'x-ratelimit-remaining-tokens': '940',
      'x-ratelimit-reset-tokens': '1s',
      'x-ratelimit-limit-tokens-day': '90000',
      'x-ratelimit-remaining-tokens-day': '89940',
      'x-ratelimit-reset-tokens-day': '6m0s',
    });
  });

  it('writes nothing for a limit the key does not have', () => {
    expect(
      quotaHeaders({
        tokens_per_minute: { limit: 7, remaining: 7, resetMs: 0 },
      }),
    ).toEqual({
      'x-ratelimit-limit-tokens': '7',
      'x-ratelimit-remaining-tokens': '7',
      'x-ratelimit-reset-tokens': '0s',
    });
    expect(quotaHeaders({})).toEqual({});
  });
});

describe('retryAfterSeconds', () => {
  it('rounds up to whole seconds, at least one', () => {
    expect([0, 1, 999, 1_000, 1_001, 58_750].map(retryAfterSeconds)).toEqual([
      1, 1, 1, 1, 2, 59,
    ]);
  });
});

describe('rateLimitedBody', () => {
  it("words a refusal as OpenAI's 429 does", () => {
    expect(
      rateLimitedBody({
        kind: 'requests_per_minute',
        limit: 5,
        used: 5,
        requested: 1,
        retryAfterMs: 58_750,
      }),
    ).toEqual({
      error: {
        message:
          'Rate limit reached for requests per minute (RPM): Limit 5, Used 5, Requested 1. Please try again in 58.75s.',
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      },
    });
    expect(
      rateLimitedBody({
        kind: 'tokens_per_day',
        limit: 100,
        used: 90,
        requested: 20,
        retryAfterMs: 3_600_000,
      }).error,
    ).toMatchObject({
      type: 'tokens',
      message: expect.stringContaining(
        'tokens per day (TPD): Limit 100, Used 90, Requested 20. Please try again in 1h0m0s.',
      ),
    });
  });

  it('tells a request larger than the limit that waiting will not help', () => {
    expect(
      rateLimitedBody({
        kind: 'tokens_per_minute',
        limit: 100,
        used: 0,
        requested: 300,
        retryAfterMs: 60_000,
      }).error.message,
    ).toBe(
      'Request too large for tokens per minute (TPM): Limit 100, Requested 300. The input or output tokens must be reduced in order to run successfully.',
    );
  });
});
