import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  redisForTests,
  type TestRedis,
} from '../../../test/support/redis-server.js';
import { RedisRunEventLog } from './redis-run-event-log.js';
import {
  describeRunEventLogContract,
  numberedEvents,
} from './run-event-log-contract.test-support.js';

// Every log gets its own key prefix: this file may share a Redis with others.
let redis: TestRedis;
let client: Redis;

beforeAll(async () => {
  redis = await redisForTests();
  client = new Redis(redis.url, { lazyConnect: true });
  await client.connect();
});
afterAll(async () => {
  await client?.quit();
  await redis?.stop();
});

const prefixed = (): string => `bg-test-${randomUUID()}:`;

describeRunEventLogContract('RedisRunEventLog', (options) =>
  Promise.resolve(new RedisRunEventLog(client, prefixed(), options)),
);

describe(RedisRunEventLog.name, () => {
  it('sets the TTL on the events and on the count of dropped ones', async () => {
    const prefix = prefixed();
    const log = new RedisRunEventLog(client, prefix, {
      maxEvents: 2,
      ttlSeconds: 30,
    });
    await log.append('resp_1', numberedEvents(0, 3));
    for (const key of ['events', 'dropped']) {
      const ttl = await client.ttl(`${prefix}bg:${key}:resp_1`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(30);
    }
  });

  it("reads events another replica's log appended", async () => {
    const prefix = prefixed();
    const options = { maxEvents: 10, ttlSeconds: 30 };
    const writer = new RedisRunEventLog(client, prefix, options);
    const reader = new RedisRunEventLog(client, prefix, options);
    const stop = new AbortController();
    // The reader is not woken by the writer: it polls.
    const changed = reader.changed('resp_1', stop.signal);
    await writer.append('resp_1', numberedEvents(0, 2));
    await changed;
    expect((await reader.read('resp_1', 0))?.events).toEqual(
      numberedEvents(1, 1),
    );
  });
});
