import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completion, textStream } from '../support/chat-chunks.js';
import { expectOpenAiError } from '../support/error-expectations.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { startRedisServer, type TestRedis } from '../support/redis-server.js';
import { ResponsesSocket } from '../support/responses-socket.js';
import {
  createAndClassify,
  type StoreOutcome,
} from '../support/store-outcomes.js';
import { waitUntil } from '../support/wait-until.js';

// A Redis of this file's own, writing every command to an append-only file
// (fsync'd before it answers): stopped and started again on the same port
// and directory, it comes back with its data, as a real Redis restart does.
// So a response answered as stored before or after an outage must still be
// readable afterwards, and every other one must have been told.

const MODEL = 'fake-model';

const NOT_STORED = /^The response could not be stored: /;

/** `store: true` requests must end stored, or told: 503, 413 or response.failed naming the store. */
function expectToldOrStored(outcome: StoreOutcome): void {
  if (outcome.kind === 'told') {
    const told503 =
      outcome.status === 503 && outcome.code === 'store_unavailable';
    const toldInBand =
      outcome.status === 200 &&
      outcome.code === 'server_error' &&
      NOT_STORED.test(outcome.message);
    expect(told503 || toldInBand, JSON.stringify(outcome)).toBe(true);
  } else {
    expect(outcome.kind, JSON.stringify(outcome)).toBe('stored');
  }
}

async function storeFailures(url: string, operation: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) =>
      l.startsWith(`gateway_store_failures_total{operation="${operation}"}`),
    );
  return Number(line?.split(' ').at(-1) ?? 0);
}

/** Bytes Redis uses for every key under `prefix` (MEMORY USAGE). */
async function bytesUnder(admin: Redis, prefix: string): Promise<number> {
  let total = 0;
  for (const key of await admin.keys(`${prefix}*`)) {
    total += (await admin.memory('USAGE', key)) ?? 0;
  }
  return total;
}

describe('Redis response store through an outage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orgw-redis-'));
  const persistence = ['--dir', dir, '--appendonly', 'yes'];
  let redis: TestRedis;
  let upstream: FakeUpstream;
  let gateway: RunningGateway;
  let admin: Redis;

  async function restartRedis(): Promise<void> {
    redis = await startRedisServer(redis.port, [
      ...persistence,
      '--appendfsync',
      'always',
    ]);
  }

  beforeAll(async () => {
    redis = await startRedisServer(undefined, [
      ...persistence,
      '--appendfsync',
      'always',
    ]);
    admin = new Redis(redis.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
    });
    admin.on('error', () => undefined);
    await admin.connect();
    upstream = await FakeUpstream.start();
    // A few ms per answer, so requests are in flight when Redis goes.
    upstream.setHandler((request) =>
      request.body?.stream === true
        ? {
            kind: 'stream',
            chunks: textStream(['Stored ', 'or told.']),
            intervalMs: 2,
          }
        : {
            kind: 'json',
            body: completion({ content: 'Stored or told.' }),
            delayMs: 2,
          },
    );
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `orgw-e2e:${randomUUID()}:`,
      MAX_CONVERSATION_HISTORY: '10000',
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    admin?.disconnect();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses store:true turns before any model call while Redis is down; store:false still works', async () => {
    const stored = await createAndClassify(gateway.url, {
      model: MODEL,
      input: 'hi',
    });
    expect(stored.kind).toBe('stored');
    const checksBefore = await storeFailures(gateway.url, 'check');

    await redis.stop();
    try {
      await waitUntil(
        async () =>
          (await fetch(`${gateway.url}/v1/responses/resp_x`)).status === 503,
        () => 'the gateway did not notice that Redis stopped',
      );
      const chatRequests = upstream.chatRequests.length;
      for (const stream of [true, false]) {
        await expectOpenAiError(
          await fetch(`${gateway.url}/v1/responses`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ model: MODEL, input: 'hi', stream }),
          }),
          503,
          { type: 'server_error', code: 'store_unavailable' },
        );
      }
      const socket = await ResponsesSocket.open(gateway.url);
      const frames = await socket.turn({ model: MODEL, input: 'hi' });
      await socket.close();
      expect(frames).toEqual([
        expect.objectContaining({
          type: 'error',
          status: 503,
          error: expect.objectContaining({ code: 'store_unavailable' }),
        }),
      ]);
      expect(upstream.chatRequests).toHaveLength(chatRequests);
      expect(await storeFailures(gateway.url, 'check')).toBe(checksBefore + 3);

      const unstored = await createAndClassify(gateway.url, {
        model: MODEL,
        input: 'hi',
        store: false,
        stream: true,
      });
      expect(unstored.kind).toBe('stored');
    } finally {
      await restartRedis();
    }
    const { id } = stored as { id: string };
    await waitUntil(
      async () =>
        (await fetch(`${gateway.url}/v1/responses/${id}`)).status === 200,
      () => 'the response stored before the outage is not readable after it',
      10_000,
    );
  });

  it('ends a turn whose save fails with response.failed when streamed, 503 when not', async () => {
    const savesBefore = await storeFailures(gateway.url, 'save');
    // Writes wait while paused: the save runs into the client's command timeout.
    await admin.call('CLIENT', 'PAUSE', '30000', 'WRITE');
    try {
      const streamed = await createAndClassify(gateway.url, {
        model: MODEL,
        input: 'hi',
        stream: true,
      });
      expect(streamed).toMatchObject({
        kind: 'told',
        status: 200,
        code: 'server_error',
      });
      expect((streamed as { message: string }).message).toMatch(NOT_STORED);
      expect((streamed as { message: string }).message).toContain(
        'response store is unavailable',
      );
      const plain = await createAndClassify(gateway.url, {
        model: MODEL,
        input: 'hi',
      });
      expect(plain).toMatchObject({
        kind: 'told',
        status: 503,
        code: 'store_unavailable',
      });
    } finally {
      await admin.call('CLIENT', 'UNPAUSE');
    }
    expect(await storeFailures(gateway.url, 'save')).toBe(savesBefore + 2);
  });

  it('under load, while Redis stops and starts again: every response answered as stored is stored', async () => {
    const outcomes: StoreOutcome[] = [];
    let running = true;
    const count = (kind: StoreOutcome['kind']) =>
      outcomes.filter((outcome) => outcome.kind === kind).length;
    const workers = Array.from({ length: 8 }, async (_, worker) => {
      for (let i = 0; running && i < 500; i++) {
        const outcome = await createAndClassify(gateway.url, {
          model: MODEL,
          input: `worker ${worker}, request ${i}`,
          stream: (worker + i) % 2 === 0,
        });
        outcomes.push(outcome);
        if (outcome.kind === 'told') {
          // A 503 comes back at once: pace the loop so it outlasts the outage.
          await delay(20);
        }
      }
    });
    try {
      await waitUntil(
        () => count('stored') >= 24,
        () => 'no load',
        30_000,
      );
      await redis.stop();
      const answeredBefore = outcomes.length;
      await waitUntil(
        () => outcomes.length >= answeredBefore + 16,
        () => 'no answers while Redis was down',
        30_000,
      );
      await restartRedis();
      const storedBefore = count('stored');
      await waitUntil(
        () => count('stored') >= storedBefore + 24,
        () => 'the gateway did not store again after Redis came back',
        30_000,
      );
    } finally {
      running = false;
      await Promise.all(workers);
    }

    outcomes.forEach(expectToldOrStored);
    const storedIds = outcomes.flatMap((o) =>
      o.kind === 'stored' ? [o.id] : [],
    );
    const missing: string[] = [];
    for (const id of storedIds) {
      if ((await fetch(`${gateway.url}/v1/responses/${id}`)).status !== 200) {
        missing.push(id);
      }
    }
    expect(missing).toEqual([]);
    // The outage was real: some requests were told.
    expect(count('told')).toBeGreaterThan(0);
  }, 120_000);

  it('stores a long conversation in space linear in its length', async () => {
    const keyPrefix = `orgw-e2e:${randomUUID()}:`;
    const own = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: keyPrefix,
      MAX_CONVERSATION_HISTORY: '10000',
    });
    try {
      const bytesAt = new Map<number, number>();
      let previous: string | undefined;
      for (let turn = 1; turn <= 100; turn++) {
        const outcome = await createAndClassify(own.url, {
          model: MODEL,
          input: `turn ${turn}: ${'y'.repeat(4_000)}`,
          ...(previous && { previous_response_id: previous }),
        });
        expect(outcome.kind).toBe('stored');
        previous = (outcome as { id: string }).id;
        if (turn === 50 || turn === 100) {
          bytesAt.set(turn, await bytesUnder(admin, keyPrefix));
        }
      }
      // Copying the history into every turn would make it about 4 times.
      expect(bytesAt.get(100)! / bytesAt.get(50)!).toBeLessThan(2.3);
      const lastSent = JSON.stringify(
        upstream.chatRequests.at(-1)!.body.messages,
      );
      expect(lastSent).toContain('turn 1: ');
      expect(lastSent).toContain('turn 99: ');
    } finally {
      await own.close();
    }
  }, 120_000);
});
