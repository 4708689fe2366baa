import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closedPort } from '../../../test/support/error-expectations.js';
import {
  redisForTests,
  type TestRedis,
} from '../../../test/support/redis-server.js';
import {
  errorStatus,
  GatewayException,
} from '../../common/errors/gateway.exception.js';
import {
  conversationRecord,
  describeConversationStoreContract,
  userItem,
} from './conversation-store-contract.test-support.js';
import { RedisScript } from '../store/redis-scripts.js';
import { RedisConversationStore } from './redis-conversation.store.js';

// Every store gets its own key prefix, so this file can share a Redis with
// other test files running at the same time.
let redis: TestRedis;
let admin: Redis;
const stores: RedisConversationStore[] = [];

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
  options: { maxItems?: number; ttlSeconds?: number; keyPrefix?: string } = {},
  url = redis.url,
): Promise<RedisConversationStore> {
  const store = await RedisConversationStore.connect(url, {
    maxItems: options.maxItems ?? 100,
    ttlSeconds: options.ttlSeconds ?? 1000,
    keyPrefix: options.keyPrefix ?? newPrefix(),
  });
  stores.push(store);
  return store;
}

function newPrefix(): string {
  return `orgw-spec:${randomUUID()}:`;
}

describeConversationStoreContract(RedisConversationStore.name, (maxItems) =>
  connectStore({ maxItems }),
);

describe(RedisConversationStore.name, () => {
  it('puts the TTL on every key of a conversation, and a read renews it', async () => {
    const prefix = newPrefix();
    const sut = await connectStore({ keyPrefix: prefix, ttlSeconds: 1000 });
    await sut.create(conversationRecord('conv_a'), [userItem('msg_1')]);
    const keys = [
      `${prefix}conversation-item:conv_a`,
      `${prefix}conversation-items:conv_a`,
      `${prefix}conversation:conv_a`,
    ];
    expect((await admin.keys(`${prefix}*`)).sort()).toEqual(keys);
    for (const key of keys) {
      expect(await admin.ttl(key)).toBeGreaterThan(5);
      await admin.expire(key, 5);
    }
    await sut.history('conv_a');
    for (const key of keys) {
      expect(await admin.ttl(key), key).toBeGreaterThan(5);
    }
  });

  it('shares conversations between replicas with one prefix, and no other', async () => {
    const keyPrefix = newPrefix();
    const replicaA = await connectStore({ keyPrefix });
    const replicaB = await connectStore({ keyPrefix });
    const elsewhere = await connectStore();
    await replicaA.create(conversationRecord('conv_a'), []);
    await replicaB.append('conv_a', [userItem('msg_1')]);
    expect((await replicaA.history('conv_a'))?.items.map((i) => i.id)).toEqual([
      'msg_1',
    ]);
    expect(await elsewhere.get('conv_a')).toBeUndefined();
  });

  it('reads a page, an item or an id check, and updates metadata, in one script costing its own size', async () => {
    const sut = await connectStore({ maxItems: 5_000 });
    const padded = (n: number) => userItem(`msg_${n}`, 'x'.repeat(200));
    const items = Array.from({ length: 2_000 }, (_, n) => padded(n));
    await sut.create(conversationRecord('conv_big'), items);
    const replies: unknown[] = [];
    // The method itself, to call on the script the spy was called on.
    const original = Object.getOwnPropertyDescriptor(
      RedisScript.prototype,
      'run',
    )?.value as RedisScript['run'];
    const spy = vi
      .spyOn(RedisScript.prototype, 'run')
      .mockImplementation(async function (this: RedisScript, ...args) {
        const reply = await original.apply(this, args);
        replies.push(reply);
        return reply;
      });
    const transferred = async (operation: () => Promise<unknown>) => {
      replies.length = 0;
      await operation();
      return { calls: replies.length, bytes: JSON.stringify(replies).length };
    };
    const itemBytes = JSON.stringify(padded(0)).length;
    try {
      const page = () =>
        sut.page('conv_big', { order: 'desc', limit: 2, after: 'msg_1000' });
      expect((await page())?.data.map((item) => item.id)).toEqual([
        'msg_999',
        'msg_998',
      ]);
      const costs = [
        await transferred(page),
        await transferred(() => sut.itemsById('conv_big', ['msg_7'])),
        await transferred(() => sut.deleteItem('conv_big', 'msg_8')),
        await transferred(() => sut.setMetadata('conv_big', { k: 'v' })),
        await transferred(() => sut.get('conv_big')),
      ];
      for (const cost of costs) {
        expect(cost.calls).toBe(1);
        expect(cost.bytes).toBeLessThan(3 * itemBytes);
      }
      expect((await sut.get('conv_big'))?.metadata).toEqual({ k: 'v' });
    } finally {
      spy.mockRestore();
    }
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
      sut.create(conversationRecord('conv_a'), []).catch((e: unknown) => e),
      sut.get('conv_a').catch((e: unknown) => e),
      sut.history('conv_a').catch((e: unknown) => e),
      sut.page('conv_a', { limit: 2, order: 'desc' }).catch((e: unknown) => e),
      sut.itemsById('conv_a', ['msg']).catch((e: unknown) => e),
      sut.setMetadata('conv_a', {}).catch((e: unknown) => e),
      sut.append('conv_a', []).catch((e: unknown) => e),
      sut.deleteItem('conv_a', 'msg').catch((e: unknown) => e),
      sut.delete('conv_a').catch((e: unknown) => e),
    ]);
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(GatewayException);
      const exception = failure as GatewayException;
      expect(exception.options.openAiCode).toBe('store_unavailable');
      expect(errorStatus(exception).status).toBe(503);
    }
  });
});
