import { once } from 'node:events';
import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStream } from '../../src/responses/core/stream-checker.test-support.js';
import { textStream } from '../support/chat-chunks.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGatewayProcess,
  stopGatewayProcess,
  type GatewayProcess,
} from '../support/gateway-process.js';
import {
  expectValidResponse,
  expectValidStreamEvents,
} from '../support/openapi-schemas.js';
import { redisForTests, type TestRedis } from '../support/redis-server.js';
import { waitUntil } from '../support/wait-until.js';

/** A gate a test opens: the fake upstream holds its answer until then. */
function gate(): { until: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const until = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { until, open };
}

async function eventsOf(
  stream: AsyncIterable<ResponseStreamEvent>,
): Promise<ResponseStreamEvent[]> {
  const events: ResponseStreamEvent[] = [];
  for await (const event of stream) {
    events.push(event);
  }
  return events;
}

/**
 * Background responses across two gateway processes and one Redis: the
 * run is on A; B answers its polls, replays its events live, and cancels
 * it; and when A is killed mid-run, B ends it `failed` with a clear error.
 */
describe('background responses across two gateway processes', () => {
  let redis: TestRedis;
  let upstream: FakeUpstream;
  let a: GatewayProcess;
  let b: GatewayProcess;
  const client = (gateway: GatewayProcess): OpenAI =>
    new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 });

  beforeAll(async () => {
    redis = await redisForTests();
    upstream = await FakeUpstream.start();
    [a, b] = await Promise.all([
      startProcess(upstream.baseUrl, redis.url),
      startProcess(upstream.baseUrl, redis.url),
    ]);
  }, 180_000);

  afterAll(async () => {
    for (const gateway of [a, b]) {
      if (gateway !== undefined) {
        await stopGatewayProcess(gateway);
      }
    }
    await upstream?.close();
    await redis?.stop();
  });

  /** A background response started on A whose upstream holds after its first text. */
  async function heldOnA(
    held: { until: Promise<void> },
    runner: GatewayProcess = a,
  ): Promise<OpenAI.Responses.Response> {
    upstream.enqueue({
      kind: 'stream',
      chunks: textStream(['Hello', ', ', 'world']),
      holdBefore: { index: 2, until: held.until },
    });
    const queued = await client(runner).responses.create({
      model: 'fake-model',
      input: 'hi',
      background: true,
    });
    await waitUntil(
      async () =>
        (await client(b).responses.retrieve(queued.id)).status ===
        'in_progress',
      () => `${queued.id} never ran`,
    );
    return queued;
  }

  it('polls and replays through B a response running on A', async () => {
    const held = gate();
    const queued = await heldOnA(held);
    const live = eventsOf(
      await client(b).responses.retrieve(queued.id, {
        stream: true,
        starting_after: 1,
      }),
    );
    held.open();
    const events = await live;
    expect(events[0]?.sequence_number).toBe(2);
    expect(events.at(-1)?.type).toBe('response.completed');
    const whole = await eventsOf(
      await client(b).responses.retrieve(queued.id, { stream: true }),
    );
    expect(events).toEqual(whole.slice(2));
    expectValidStreamEvents(whole);
    checkStream(whole as never);
    const done = await client(b).responses.retrieve(queued.id);
    expect(done).toMatchObject({ status: 'completed' });
    expect(done.output_text).toBe('Hello, world');
  });

  it('cancels through B a response running on A', async () => {
    const held = gate();
    const queued = await heldOnA(held);
    const aborts = upstream.abortCount;
    const cancelled = await client(b).responses.cancel(queued.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', error: null });
    expectValidResponse(cancelled);
    await upstream.waitForAborts(aborts + 1);
    const replay = await eventsOf(
      await client(b).responses.retrieve(queued.id, { stream: true }),
    );
    expect(checkStream(replay as never).final).toMatchObject({
      status: 'cancelled',
    });
    held.open();
  });

  it('ends failed, through B, a response whose process A was killed mid-run', async () => {
    const held = gate();
    const queued = await heldOnA(held);
    a.child.kill('SIGKILL');
    await waitUntil(
      async () =>
        (await client(b).responses.retrieve(queued.id)).status === 'failed',
      () => `${queued.id} is not failed`,
      20_000,
    );
    const failed = await client(b).responses.retrieve(queued.id);
    expect(failed.error).toEqual({
      code: 'server_error',
      message:
        'The gateway replica running this background response stopped before it finished.',
    });
    expectValidResponse(failed);
    // The replay ends, with the failure.
    const replay = await eventsOf(
      await client(b).responses.retrieve(queued.id, { stream: true }),
    );
    expect(replay.at(-1)).toMatchObject({
      type: 'response.failed',
      response: { status: 'failed' },
    });
    held.open();
  });

  it('stores failed a run still going when the shutdown grace period ends', async () => {
    const c = await startProcess(upstream.baseUrl, redis.url, {
      SHUTDOWN_GRACE_SECONDS: '1',
    });
    const held = gate();
    const queued = await heldOnA(held, c);
    const aborts = upstream.abortCount;
    const exited = once(c.child, 'exit');
    c.child.kill('SIGTERM');
    // The run holds the shutdown until the grace end fails it.
    const [code] = await exited;
    expect(code).toBe(0);
    await upstream.waitForAborts(aborts + 1);
    const failed = await client(b).responses.retrieve(queued.id);
    expect(failed).toMatchObject({
      status: 'failed',
      error: { code: 'server_error' },
    });
    expect(failed.error?.message).toContain('shutting down');
    held.open();
  });
});

function startProcess(
  upstreamUrl: string,
  redisUrl: string,
  env: Record<string, string> = {},
): Promise<GatewayProcess> {
  return startGatewayProcess({
    OPENAI_BASE_URL_INTERNAL: upstreamUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `two-processes-background-${process.pid}:`,
    LOG_LEVEL: 'warn',
    ...env,
  });
}
