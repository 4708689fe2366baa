import { Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { Metrics } from '../metrics/prometheus-text.test-support.js';
import {
  GuardedLimitStore,
  LimitStoreUnavailable,
} from './guarded-limit-store.js';
import { InMemoryLimitStore } from './in-memory-limit-store.js';
import type { LimitStore } from './limit-store.js';
import { RateLimitMetrics } from './rate-limit-metrics.js';

/** A store that fails while `down` is set, else counts in memory. */
function flakyStore(): LimitStore & { down: boolean } {
  const inner = new InMemoryLimitStore();
  const store = {
    down: false,
    take: (...args: Parameters<LimitStore['take']>) =>
      store.down
        ? Promise.reject(new Error('Command timed out'))
        : inner.take(...args),
    settle: (...args: Parameters<LimitStore['settle']>) =>
      store.down
        ? Promise.reject(new Error('Command timed out'))
        : inner.settle(...args),
    close: () => inner.close(),
  };
  return store;
}

function guarded(policy: 'open' | 'closed') {
  const registry = new Registry();
  const inner = flakyStore();
  const logger = { warn: vi.fn(), log: vi.fn() };
  const sut = new GuardedLimitStore(
    inner,
    policy,
    new RateLimitMetrics(registry, (label) => label),
    logger,
  );
  const failures = async () =>
    new Metrics(await registry.metrics()).value(
      'gateway_rate_limit_store_failures_total',
    );
  return { sut, inner, logger, failures };
}

const LIMITS = { requestsPerMinute: 1 };
const REQUEST = { requests: 1, tokens: 0 };

describe('GuardedLimitStore', () => {
  it('open: a failed check takes the request uncounted; one warning, one line on recovery', async () => {
    const { sut, inner, logger, failures } = guarded('open');
    inner.down = true;
    for (let i = 0; i < 3; i++) {
      expect(await sut.take('team-a', LIMITS, REQUEST)).toEqual({
        retryAfterMs: 0,
        used: 0,
        quotas: {},
      });
    }
    await sut.settle(
      { tenantId: 'team-a', limits: LIMITS, tokens: 1, second: 0, day: 0 },
      5,
    );
    expect(await failures()).toBe(4);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0]).toEqual([
      { error: 'Command timed out', onStoreFailure: 'open' },
      expect.stringContaining('pass uncounted'),
    ]);
    inner.down = false;
    expect(
      (await sut.take('team-a', LIMITS, REQUEST)).refusedBy,
    ).toBeUndefined();
    expect((await sut.take('team-a', LIMITS, REQUEST)).refusedBy).toBe(
      'requests_per_minute',
    );
    expect(logger.log).toHaveBeenCalledTimes(1);
    inner.down = true;
    await sut.take('team-a', LIMITS, REQUEST);
    expect(logger.warn).toHaveBeenCalledTimes(2);
  });

  it('closed: a failed check throws LimitStoreUnavailable; a failed settle never throws', async () => {
    const { sut, inner, failures } = guarded('closed');
    inner.down = true;
    await expect(sut.take('team-a', LIMITS, REQUEST)).rejects.toBeInstanceOf(
      LimitStoreUnavailable,
    );
    await expect(
      sut.settle(
        { tenantId: 'team-a', limits: LIMITS, tokens: 1, second: 0, day: 0 },
        5,
      ),
    ).resolves.toBeUndefined();
    expect(await failures()).toBe(2);
  });
});
