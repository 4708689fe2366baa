import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { completion } from '../support/chat-chunks.js';
import {
  closedPort,
  expectOpenAiError,
} from '../support/error-expectations.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import {
  redisForTests,
  startRedisServer,
  type TestRedis,
} from '../support/redis-server.js';
import { waitUntil } from '../support/wait-until.js';

const MODEL = 'fake-model';

function clientOf(gateway: RunningGateway): OpenAI {
  return new OpenAI({
    baseURL: `${gateway.url}/v1`,
    apiKey: 'sk-test',
    maxRetries: 0,
  });
}

function sentMessages(upstream: FakeUpstream, index: number): string {
  return JSON.stringify(upstream.chatRequests[index]!.body.messages);
}

describe('Redis response store shared by two gateways', () => {
  let redis: TestRedis;
  let upstream: FakeUpstream;
  let env: Record<string, string>;
  let gatewayA: RunningGateway;
  let gatewayB: RunningGateway;
  let admin: Redis;

  /** Open connections of the gateways of this file (named after the prefix). */
  async function gatewayConnections(): Promise<number> {
    const clients = String(await admin.client('LIST')).split('\n');
    return clients.filter((c) =>
      c.includes(`name=open-responses-gateway:${env.REDIS_KEY_PREFIX} `),
    ).length;
  }

  beforeAll(async () => {
    redis = await redisForTests();
    admin = new Redis(redis.url);
    upstream = await FakeUpstream.start();
    env = {
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      REDIS_URL: redis.url,
      // Its own keys, so a shared CI Redis never mixes test runs.
      REDIS_KEY_PREFIX: `orgw-e2e:${randomUUID()}:`,
    };
    gatewayA = await startGateway(env);
    gatewayB = await startGateway(env);
  });
  afterAll(async () => {
    // The harness restores process.env on close: last started, first closed.
    await gatewayB?.close();
    await gatewayA?.close();
    await upstream?.close();
    await admin?.quit();
    await redis?.stop();
  });
  beforeEach(() => upstream.reset());

  it('continues on one gateway a conversation started on the other', async () => {
    upstream.enqueue(
      { kind: 'json', body: completion({ content: 'Nice to meet you, Ada.' }) },
      { kind: 'json', body: completion({ content: 'You are Ada.' }) },
    );
    const first = await clientOf(gatewayA).responses.create({
      model: MODEL,
      input: 'My name is Ada.',
    });
    const second = await clientOf(gatewayB).responses.create({
      model: MODEL,
      previous_response_id: first.id,
      input: 'What is my name?',
    });

    expect(second.previous_response_id).toBe(first.id);
    const roles = (
      upstream.chatRequests[1]!.body.messages as { role: string }[]
    ).map((m) => m.role);
    expect(roles).toEqual(['user', 'assistant', 'user']);
    expect(sentMessages(upstream, 1)).toContain('My name is Ada.');
    expect(sentMessages(upstream, 1)).toContain('Nice to meet you, Ada.');
  });

  it('serves GET and input_items on the other gateway, and a DELETE on one is seen by the other', async () => {
    upstream.enqueue({ kind: 'json', body: completion({ content: 'ok' }) });
    const created = await clientOf(gatewayA).responses.create({
      model: MODEL,
      input: [
        { role: 'user', content: 'one' },
        { role: 'user', content: 'two' },
      ],
    });

    const fetched = await clientOf(gatewayB).responses.retrieve(created.id);
    expect(fetched.id).toBe(created.id);
    expect(fetched.output).toEqual(created.output);
    const items = await clientOf(gatewayB).responses.inputItems.list(
      created.id,
      { order: 'asc' },
    );
    expect(JSON.stringify(items.data)).toMatch(/one.*two/);

    await clientOf(gatewayA).responses.delete(created.id);
    await expectOpenAiError(
      await fetch(`${gatewayB.url}/v1/responses/${created.id}`),
      404,
      { param: 'response_id' },
    );
    await expectOpenAiError(
      await fetch(`${gatewayB.url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: MODEL,
          previous_response_id: created.id,
          input: 'again',
        }),
      }),
      404,
      { code: 'previous_response_not_found' },
    );
  });

  it('resolves an item_reference to an item stored by the other gateway', async () => {
    upstream.enqueue(
      { kind: 'json', body: completion({ content: 'noted' }) },
      { kind: 'json', body: completion({ content: 'ok' }) },
    );
    const created = await clientOf(gatewayA).responses.create({
      model: MODEL,
      input: 'The code word is pelican.',
    });
    const [item] = (
      await clientOf(gatewayA).responses.inputItems.list(created.id)
    ).data;

    await clientOf(gatewayB).responses.create({
      model: MODEL,
      input: [{ type: 'item_reference', id: item!.id }],
    });
    expect(sentMessages(upstream, 1)).toContain('The code word is pelican.');
  });

  it('still finds a response after a gateway restarts', async () => {
    upstream.enqueue(
      { kind: 'json', body: completion({ content: 'Remembered.' }) },
      { kind: 'json', body: completion({ content: 'Still here.' }) },
    );
    const created = await clientOf(gatewayA).responses.create({
      model: MODEL,
      input: 'Remember the number 42.',
    });

    // Close both, in reverse start order, then start afresh.
    expect(await gatewayConnections()).toBe(2);
    await gatewayB.close();
    await gatewayA.close();
    await waitUntil(
      async () => (await gatewayConnections()) === 0,
      () => 'a closed gateway left its Redis connection open',
    );
    gatewayA = await startGateway(env);
    gatewayB = await startGateway(env);

    const fetched = await clientOf(gatewayA).responses.retrieve(created.id);
    expect(fetched.output).toEqual(created.output);
    await clientOf(gatewayB).responses.create({
      model: MODEL,
      previous_response_id: created.id,
      input: 'Which number?',
    });
    expect(sentMessages(upstream, 1)).toContain('Remember the number 42.');
  });
});

describe('Redis response store that goes away', () => {
  let upstream: FakeUpstream;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
  });
  afterAll(async () => {
    await upstream?.close();
  });

  async function expectStoreUnavailable(gateway: RunningGateway) {
    await expectOpenAiError(
      await fetch(`${gateway.url}/v1/responses/resp_any`),
      503,
      { type: 'server_error', code: 'store_unavailable' },
    );
    const chatRequestsBefore = upstream.chatRequests.length;
    const error = await expectOpenAiError(
      await fetch(`${gateway.url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: MODEL,
          previous_response_id: 'resp_any',
          input: 'hello',
          stream: true,
        }),
      }),
      503,
      { type: 'server_error', code: 'store_unavailable' },
    );
    expect(error.message).toContain('response store is unavailable');
    expect(upstream.chatRequests).toHaveLength(chatRequestsBefore);
  }

  it('answers 503 while Redis is down, and recovers when it is back', async () => {
    // A redis-server of its own: stopping it must not disturb other tests.
    let redis = await startRedisServer();
    const gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `orgw-e2e:${randomUUID()}:`,
    });
    try {
      const client = clientOf(gateway);
      const created = await client.responses.create({
        model: MODEL,
        input: 'hi',
      });
      expect((await client.responses.retrieve(created.id)).id).toBe(created.id);

      await redis.stop();
      await expectStoreUnavailable(gateway);

      redis = await startRedisServer(redis.port);
      // The client reconnects on its own; the restarted Redis kept no data.
      await waitUntil(
        async () =>
          (await fetch(`${gateway.url}/v1/responses/${created.id}`)).status ===
          404,
        () => 'the gateway did not reconnect to Redis',
        10_000,
      );
      const again = await client.responses.create({
        model: MODEL,
        input: 'hi',
      });
      expect((await client.responses.retrieve(again.id)).id).toBe(again.id);
    } finally {
      await gateway.close();
      await redis.stop();
    }
  });

  it('starts, and answers 503, when Redis cannot be reached at all', async () => {
    const gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      REDIS_URL: `redis://127.0.0.1:${await closedPort()}/0`,
    });
    try {
      await expectStoreUnavailable(gateway);
    } finally {
      await gateway.close();
    }
  });
});
