import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../../../test/support/error-expectations.js';
import {
  redisForTests,
  type TestRedis,
} from '../../../test/support/redis-server.js';
import { waitUntil } from '../../../test/support/wait-until.js';
import {
  errorStatus,
  GatewayException,
} from '../../common/errors/gateway.exception.js';
import { RedisResponseStore, redisStoreKeys } from './redis-response.store.js';
import { conversationItems } from './response-store.js';
import {
  describeResponseStoreContract,
  saveChain,
  storedEntry,
} from './response-store-contract.test-support.js';

// Every store gets its own key prefix, so this file can share a Redis (CI's
// REDIS_URL) with other test files running at the same time.
let redis: TestRedis;
let admin: Redis;
const stores: RedisResponseStore[] = [];

beforeAll(async () => {
  redis = await redisForTests();
  admin = new Redis(redis.url, { lazyConnect: true });
  await admin.connect();
});
afterAll(async () => {
  await Promise.all(stores.map((store) => store.onApplicationShutdown()));
  await admin?.quit();
  await redis?.stop();
});

async function connectStore(
  options: { capacity?: number; ttlSeconds?: number; keyPrefix?: string } = {},
  url = redis.url,
): Promise<RedisResponseStore> {
  const store = await RedisResponseStore.connect(url, {
    capacity: options.capacity ?? 10,
    ttlSeconds: options.ttlSeconds ?? 1000,
    keyPrefix: options.keyPrefix ?? newPrefix(),
  });
  stores.push(store);
  return store;
}

function newPrefix(): string {
  return `orgw-spec:${randomUUID()}:`;
}

async function keysUnder(prefix: string): Promise<string[]> {
  return (await admin.keys(`${prefix}*`)).sort();
}

describeResponseStoreContract(RedisResponseStore.name, (capacity) =>
  connectStore({ capacity }),
);

describe(RedisResponseStore.name, () => {
  it('puts the TTL on every key it writes, and a get renews it', async () => {
    const prefix = newPrefix();
    const keys = redisStoreKeys(prefix);
    const sut = await connectStore({ keyPrefix: prefix, ttlSeconds: 1000 });
    await sut.save(storedEntry('resp_a', ['msg_a']));
    await sut.save(storedEntry('resp_b'));

    expect(await keysUnder(prefix)).toEqual(
      [
        keys.clock,
        `${keys.item}msg_a`,
        `${keys.item}out_resp_a`,
        `${keys.item}out_resp_b`,
        keys.lru,
        `${keys.record}resp_a`,
        `${keys.record}resp_b`,
        `${keys.itemSet}resp_a`,
        `${keys.itemSet}resp_b`,
      ].sort(),
    );
    for (const key of await keysUnder(prefix)) {
      const ttl = await admin.ttl(key);
      expect(ttl, key).toBeGreaterThan(0);
      expect(ttl, key).toBeLessThanOrEqual(1000);
    }

    await admin.expire(`${keys.record}resp_a`, 5);
    await admin.expire(`${keys.item}msg_a`, 5);
    await sut.get('resp_a');
    expect(await admin.ttl(`${keys.record}resp_a`)).toBeGreaterThan(5);
    expect(await admin.ttl(`${keys.item}msg_a`)).toBeGreaterThan(5);
  });

  it('shares responses and the size bound between replicas', async () => {
    const keyPrefix = newPrefix();
    const replicaA = await connectStore({ keyPrefix, capacity: 2 });
    const replicaB = await connectStore({ keyPrefix, capacity: 2 });
    await replicaA.save(storedEntry('resp_a', ['msg_a']));
    await replicaA.save(storedEntry('resp_b'));
    expect((await replicaB.get('resp_a'))?.response.id).toBe('resp_a');
    expect(await replicaB.getItem('msg_a')).toBeDefined();

    await replicaB.save(storedEntry('resp_c'));
    // resp_a was read last by B, so resp_b is the least recently used.
    expect(await replicaA.get('resp_b')).toBeUndefined();
    expect(await replicaB.delete('resp_a')).toBe(true);
    expect(await replicaA.get('resp_a')).toBeUndefined();
  });

  it('keeps stores with different key prefixes apart', async () => {
    const one = await connectStore();
    const other = await connectStore();
    await one.save(storedEntry('resp_a', ['msg_a']));
    expect(await other.get('resp_a')).toBeUndefined();
    expect(await other.getItem('msg_a')).toBeUndefined();
    expect(await other.delete('resp_a')).toBe(false);
    expect(await one.get('resp_a')).toBeDefined();
  });

  it('forgets a response whose key expired, and stops counting it', async () => {
    const keyPrefix = newPrefix();
    const keys = redisStoreKeys(keyPrefix);
    const sut = await connectStore({ keyPrefix, capacity: 2 });
    await sut.save(storedEntry('resp_a'));
    await sut.save(storedEntry('resp_b'));
    await admin.del(`${keys.record}resp_a`);

    expect(await sut.get('resp_a')).toBeUndefined();
    expect(await admin.zscore(keys.lru, 'resp_a')).toBeNull();
    await sut.save(storedEntry('resp_c'));
    expect(await sut.get('resp_b')).toBeDefined();
  });

  it('loads its scripts again after the server forgot them', async () => {
    const sut = await connectStore();
    await sut.save(storedEntry('resp_a'));
    await admin.script('FLUSH');
    expect((await sut.get('resp_a'))?.response.id).toBe('resp_a');
  });

  it('fails every operation with a 503 when Redis is unreachable', async () => {
    const sut = await connectStore(
      {},
      `redis://127.0.0.1:${await closedPort()}/0`,
    );
    const failures = await Promise.all([
      Promise.resolve()
        .then(() => sut.assertAvailable())
        .catch((e: unknown) => e),
      sut.get('resp_a').catch((e: unknown) => e),
      sut.getTurn('resp_a').catch((e: unknown) => e),
      sut.save(storedEntry('resp_a')).catch((e: unknown) => e),
      sut.delete('resp_a').catch((e: unknown) => e),
      sut.getItem('msg_a').catch((e: unknown) => e),
    ]);
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(GatewayException);
      const exception = failure as GatewayException;
      expect(exception.code).toBe('service_unavailable');
      expect(exception.options.openAiCode).toBe('store_unavailable');
      expect(exception.message).toContain('response store is unavailable');
      expect(errorStatus(exception).status).toBe(503);
    }
  });

  it('refreshes the TTL of the responses a continuation links to', async () => {
    const keyPrefix = newPrefix();
    const keys = redisStoreKeys(keyPrefix);
    const sut = await connectStore({ keyPrefix, ttlSeconds: 1000 });
    await saveChain(sut, ['resp_a', 'resp_b']);
    await admin.expire(`${keys.record}resp_a`, 5);
    await admin.expire(`${keys.item}msg_resp_a`, 5);
    await sut.getTurn('resp_b');
    expect(await admin.ttl(`${keys.record}resp_a`)).toBeGreaterThan(5);
    expect(await admin.ttl(`${keys.item}msg_resp_a`)).toBeGreaterThan(5);
  });

  it('stores a continuation as its own turn and a link', async () => {
    const keyPrefix = newPrefix();
    const keys = redisStoreKeys(keyPrefix);
    const sut = await connectStore({ keyPrefix });
    await saveChain(sut, ['resp_a', 'resp_b']);
    const record = await admin.hgetall(`${keys.record}resp_b`);
    expect(record.prev).toBe('resp_a');
    expect(JSON.parse(record.json!)).not.toHaveProperty('history');
    expect(await admin.hget(`${keys.record}resp_a`, 'children')).toBe('1');
  });

  it('keeps the history itself past its chain length, half its capacity', async () => {
    const keyPrefix = newPrefix();
    const keys = redisStoreKeys(keyPrefix);
    const sut = await connectStore({ keyPrefix, capacity: 4 });
    await saveChain(sut, ['resp_1', 'resp_2', 'resp_3', 'resp_4']);
    expect(await admin.hget(`${keys.record}resp_3`, 'prev')).toBe('resp_2');
    expect(await admin.hget(`${keys.record}resp_4`, 'prev')).toBeNull();
  });

  it('removes a deleted response once the last continuation of it goes', async () => {
    const keyPrefix = newPrefix();
    const sut = await connectStore({ keyPrefix });
    await saveChain(sut, ['resp_a', 'resp_b', 'resp_c']);
    await sut.delete('resp_b');
    await sut.delete('resp_a');
    expect(await keysUnder(`${keyPrefix}record:`)).toHaveLength(3);
    await sut.delete('resp_c');
    expect(await keysUnder(`${keyPrefix}record:`)).toEqual([]);
    expect(await keysUnder(`${keyPrefix}item:`)).toEqual([]);
  });

  it('answers 404 for a conversation whose earlier turn was removed, and still serves the turn', async () => {
    const keyPrefix = newPrefix();
    const keys = redisStoreKeys(keyPrefix);
    const sut = await connectStore({ keyPrefix });
    const [, , c] = await saveChain(sut, ['resp_a', 'resp_b', 'resp_c']);
    await admin.del(`${keys.record}resp_a`);

    const failure = await sut.get('resp_c').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(GatewayException);
    expect(errorStatus(failure as GatewayException).status).toBe(404);
    expect((failure as GatewayException).options.openAiCode).toBe(
      'previous_response_not_found',
    );
    expect(await sut.getTurn('resp_c')).toEqual({
      response: c!.response,
      inputItems: c!.inputItems,
    });
  });

  it('reads, continues and deletes a response written before links', async () => {
    const keyPrefix = newPrefix();
    const keys = redisStoreKeys(keyPrefix);
    const sut = await connectStore({ keyPrefix });
    const old = { ...storedEntry('resp_old', ['msg_old']) };
    old.history = [storedEntry('resp_older').response.output[0]!];
    await admin.set(`${keys.legacy}resp_old`, JSON.stringify(old));
    await admin.set(`${keys.item}msg_old`, 'resp_old');

    expect(await sut.get('resp_old')).toEqual(old);
    expect(await sut.getItem('msg_old')).toEqual({ item: old.inputItems[0] });
    const next = storedEntry('resp_new');
    next.history = conversationItems(old);
    await sut.save(next, { continues: 'resp_old' });
    expect(await sut.get('resp_new')).toEqual(next);
    expect(await sut.delete('resp_old')).toBe(true);
    expect(await admin.exists(`${keys.legacy}resp_old`)).toBe(0);
    expect(await sut.get('resp_new')).toEqual(next);
  });

  it("answers another owner's broken conversation as unknown, without refreshing it", async () => {
    const keyPrefix = newPrefix();
    const keys = redisStoreKeys(keyPrefix);
    const sut = await connectStore({ keyPrefix });
    const a = { ...storedEntry('resp_a'), owner: 'team-a' };
    const b = { ...storedEntry('resp_b'), owner: 'team-a' };
    b.history = conversationItems(a);
    await sut.save(a);
    await sut.save(b, { continues: 'resp_a' });
    expect(await admin.hget(`${keys.record}resp_b`, 'owner')).toBe('team-a');
    await admin.del(`${keys.record}resp_a`);
    await admin.expire(`${keys.record}resp_b`, 5);

    expect(await sut.get('resp_b', { ifOwnedBy: 'team-b' })).toBeUndefined();
    expect(await sut.getTurn('resp_b', { ifOwnedBy: 'team-b' })).toBe(
      undefined,
    );
    expect(await admin.ttl(`${keys.record}resp_b`)).toBeLessThanOrEqual(5);
    await expect(sut.get('resp_b', { ifOwnedBy: 'team-a' })).rejects.toThrow(
      GatewayException,
    );
  });

  it('lets no owner find or delete a response written before owners', async () => {
    const keyPrefix = newPrefix();
    const keys = redisStoreKeys(keyPrefix);
    const sut = await connectStore({ keyPrefix });
    const old = storedEntry('resp_old', ['msg_old']);
    await admin.set(`${keys.legacy}resp_old`, JSON.stringify(old));

    expect(await sut.get('resp_old', { ifOwnedBy: 'team-a' })).toBeUndefined();
    expect(await sut.delete('resp_old', { ifOwnedBy: 'team-a' })).toBe(false);
    expect(await sut.get('resp_old')).toStrictEqual(old);
  });

  it('closes its connection on application shutdown', async () => {
    const keyPrefix = newPrefix();
    const sut = await connectStore({ keyPrefix });
    const name = `open-responses-gateway:${keyPrefix}`;
    expect(await admin.client('LIST')).toContain(`name=${name} `);

    await sut.onApplicationShutdown();
    await waitUntil(
      async () => !String(await admin.client('LIST')).includes(name),
      () => `connection ${name} still open`,
    );
    await expect(sut.get('resp_a')).rejects.toBeInstanceOf(GatewayException);
  });
});
