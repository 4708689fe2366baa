import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  redisForTests,
  type TestRedis,
} from '../../../test/support/redis-server.js';
import { waitUntil } from '../../../test/support/wait-until.js';
import { RedisRunCoordination } from './redis-run-coordination.js';
import { describeRunCoordinationContract } from './run-coordination-contract.test-support.js';

let redis: TestRedis;
const clients: Redis[] = [];
const coordinations: RedisRunCoordination[] = [];

beforeAll(async () => {
  redis = await redisForTests();
});
afterAll(async () => {
  await Promise.all(coordinations.map((c) => c.close()));
  clients.forEach((client) => client.disconnect());
  await redis?.stop();
});

async function client(): Promise<Redis> {
  const connected = new Redis(redis.url, { lazyConnect: true });
  await connected.connect();
  clients.push(connected);
  return connected;
}

/** A replica's coordination on a connection of its own. */
async function replica(
  keyPrefix: string,
  leaseMs = 3_000,
): Promise<{ coordination: RedisRunCoordination; redis: Redis }> {
  const own = await client();
  const coordination = new RedisRunCoordination(own, {
    keyPrefix,
    leaseMs,
    ttlSeconds: 60,
  });
  coordinations.push(coordination);
  return { coordination, redis: own };
}

describeRunCoordinationContract('RedisRunCoordination', async () => {
  const prefix = `bg-test-${randomUUID()}:`;
  return [
    (await replica(prefix)).coordination,
    (await replica(prefix)).coordination,
  ];
});

describe(RedisRunCoordination.name, () => {
  it('loses the lease of a replica that stops renewing it (killed)', async () => {
    const prefix = `bg-test-${randomUUID()}:`;
    const a = await replica(prefix, 300);
    const b = await replica(prefix, 300);
    await a.coordination.hold('resp_1', () => undefined);
    expect(await b.coordination.isRunning('resp_1')).toBe(true);
    // Renewed while the replica lives: still held after several lease times.
    const admin = await client();
    await waitUntil(
      async () => (await admin.pttl(`${prefix}bg:lease:resp_1`)) > 150,
      () => 'the lease was never renewed',
    );
    // Killed: it neither renews nor releases its lease.
    await a.coordination.close();
    a.redis.disconnect();
    await waitUntil(
      async () => !(await b.coordination.isRunning('resp_1')),
      () => 'the lease of the stopped replica is still held',
    );
  });

  it('hears a cancel whose message it missed, from the cancel key', async () => {
    const prefix = `bg-test-${randomUUID()}:`;
    const a = await replica(prefix, 300);
    let cancelled!: () => void;
    const heard = new Promise<void>((resolve) => {
      cancelled = resolve;
    });
    const hold = await a.coordination.hold('resp_1', () => cancelled());
    // Only the key, no message: the next lease renewal finds it.
    await (await client()).set(`${prefix}bg:cancel:resp_1`, '1', 'EX', 60);
    await heard;
    await hold.release();
  });
});
