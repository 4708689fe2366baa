import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  redisForTests,
  type TestRedis,
} from '../../test/support/redis-server.js';
import { describeLimitStoreContract } from './limit-store-contract.test-support.js';
import { RedisLimitStore } from './redis-limit-store.js';

// Every store gets its own key prefix, so this file can share a Redis (CI's
// REDIS_URL) with other test files running at the same time.
let redis: TestRedis;
let admin: Redis;
const stores: RedisLimitStore[] = [];

beforeAll(async () => {
  redis = await redisForTests();
  admin = new Redis(redis.url, { lazyConnect: true });
  await admin.connect();
});
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await admin?.quit();
  await redis?.stop();
});

function open(keyPrefix: string, now?: () => number): RedisLimitStore {
  const store = RedisLimitStore.open(redis.url, { keyPrefix, now });
  stores.push(store);
  return store;
}

const newPrefix = (): string => `orgw-limits-spec:${randomUUID()}:`;

describeLimitStoreContract(RedisLimitStore.name, (now) =>
  Promise.resolve(open(newPrefix(), now)),
);

describe('RedisLimitStore on the real Redis', () => {
  it('admits exactly the limit when two connections check at once', async () => {
    const prefix = newPrefix();
    const [a, b] = [open(prefix), open(prefix)];
    const limits = { requestsPerMinute: 7 };
    const decisions = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 ? a : b).take('team-a', limits, { requests: 1, tokens: 0 }),
      ),
    );
    expect(decisions.filter((d) => d.refusedBy === undefined)).toHaveLength(7);
    const refused = decisions.filter((d) => d.refusedBy !== undefined);
    expect(refused).toHaveLength(23);
    for (const decision of refused) {
      expect(decision.retryAfterMs).toBeGreaterThan(0);
      expect(decision.retryAfterMs).toBeLessThanOrEqual(60_000);
    }
  });

  it("reads Redis's clock when given none, and keys expire with their window", async () => {
    const prefix = newPrefix();
    const store = open(prefix);
    const limits = {
      requestsPerMinute: 5,
      tokensPerMinute: 50,
      tokensPerDay: 500,
    };
    const [seconds] = await admin.time();
    const taken = await store.take('team-a', limits, {
      requests: 1,
      tokens: 20,
    });
    expect(taken.reservation?.second).toBeGreaterThanOrEqual(Number(seconds));
    expect(taken.reservation?.day).toBe(Math.floor(Number(seconds) / 86_400));
    const keys = (await admin.keys(`${prefix}*`)).sort();
    expect(keys).toEqual([
      `${prefix}ratelimit:team-a:requests`,
      `${prefix}ratelimit:team-a:tokens`,
      `${prefix}ratelimit:team-a:tokens-day:${taken.reservation!.day}`,
    ]);
    for (const key of keys.slice(0, 2)) {
      expect(await admin.ttl(key)).toBeGreaterThan(0);
      expect(await admin.ttl(key)).toBeLessThanOrEqual(61);
    }
    // The day's counter outlives its day by one.
    expect(await admin.pttl(keys[2]!)).toBeGreaterThan(86_400_000);
  });

  it('opens its connection on its first check, not before', async () => {
    const prefix = newPrefix();
    const store = open(prefix);
    const connected = async (): Promise<boolean> =>
      String(await admin.client('LIST')).includes(
        `name=open-responses-gateway:limits:${prefix}`,
      );
    expect(await connected()).toBe(false);
    const first = await store.take(
      'team-a',
      { requestsPerMinute: 1 },
      { requests: 1, tokens: 0 },
    );
    expect(first.refusedBy).toBeUndefined();
    expect(await connected()).toBe(true);
  });

  it('fails fast, without hanging, when Redis is unreachable', async () => {
    const store = RedisLimitStore.open('redis://127.0.0.1:1/0', {
      keyPrefix: newPrefix(),
    });
    stores.push(store);
    await expect(
      store.take(
        'team-a',
        { requestsPerMinute: 1 },
        { requests: 1, tokens: 0 },
      ),
    ).rejects.toThrow();
  });
});
