import { once } from 'node:events';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { textStream } from '../support/chat-chunks.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { ResponsesSocket } from '../support/responses-socket.js';
import { waitUntil } from '../support/wait-until.js';

const MODEL = 'fake-model';
const MAX_PENDING = 2;
const BODY_LIMIT = 2 * 1024 * 1024;
const MIB = 1024 * 1024;

/** Resolves with the close code and reason the socket got. */
async function closeOf(
  socket: WebSocket,
): Promise<{ code: number; reason: string }> {
  if (socket.readyState === socket.CLOSED) {
    throw new Error('the socket was already closed');
  }
  const [code, reason] = (await once(socket, 'close')) as [number, Buffer];
  return { code, reason: reason.toString('utf8') };
}

/** A ping answered: the server has read every frame sent before it. */
async function roundTrip(socket: WebSocket): Promise<void> {
  const pong = once(socket, 'pong');
  socket.ping();
  await pong;
}

/** A `response.create` message of about `bytes` bytes. */
function createOf(bytes: number): string {
  return JSON.stringify({
    type: 'response.create',
    model: MODEL,
    input: 'x'.repeat(bytes),
  });
}

/**
 * A WebSocket cannot hold the gateway's memory or its shutdown: at most
 * WS_MAX_PENDING_TURNS messages wait behind the running turn (one more
 * closes the socket with 1008), a message is bounded like an HTTP body
 * (1009 past it), and a socket without a turn is closed after
 * WS_IDLE_TIMEOUT_SECONDS (1000), never in the middle of a turn.
 */
describe('WebSocket limits', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;
  const sockets: ResponsesSocket[] = [];

  async function open(): Promise<ResponsesSocket> {
    const socket = await ResponsesSocket.open(gateway.url);
    sockets.push(socket);
    return socket;
  }

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      WS_MAX_PENDING_TURNS: String(MAX_PENDING),
      WS_IDLE_TIMEOUT_SECONDS: '1',
      BODY_LIMIT_BYTES: String(BODY_LIMIT),
    });
  });
  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
    await gateway.close();
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  /** Sends one turn and waits until it reached the (stalling) upstream. */
  async function startStalledTurn(socket: ResponsesSocket): Promise<void> {
    socket.send(createOf(10));
    await waitUntil(
      () => upstream.chatRequests.length === 1,
      () => 'the first turn to reach the upstream',
    );
  }

  it(`queues ${MAX_PENDING} turns behind a running one and closes with 1008 at one more`, async () => {
    upstream.setHandler(() => ({ kind: 'stall' }));
    const socket = await open();
    await startStalledTurn(socket);
    for (let turn = 0; turn < MAX_PENDING; turn++) {
      socket.send(createOf(10));
    }
    await roundTrip(socket.socket);
    expect(socket.socket.readyState).toBe(socket.socket.OPEN);

    const closed = closeOf(socket.socket);
    socket.send(createOf(10));
    expect(await closed).toEqual({
      code: 1008,
      reason: 'too many pending turns',
    });
    // Only the running turn reached the upstream, and it was aborted.
    await upstream.waitForAborts(1);
    expect(upstream.chatRequests).toHaveLength(1);
  });

  it('closes a flood of 50 × 1 MiB messages with 1008 without running them, and keeps serving', async () => {
    upstream.setHandler(() => ({ kind: 'stall' }));
    const socket = await open();
    const closed = closeOf(socket.socket);
    await startStalledTurn(socket);
    const message = createOf(MIB);
    for (let turn = 1; turn < 50; turn++) {
      socket.send(message);
    }
    expect((await closed).code).toBe(1008);
    await upstream.waitForAborts(1);
    expect(upstream.chatRequests).toHaveLength(1);

    upstream.setHandler(() => ({ kind: 'stream', chunks: textStream(['ok']) }));
    const next = await open();
    const events = await next.turn({ model: MODEL, input: 'hi' });
    expect(events.at(-1)!.type).toBe('response.completed');
  });

  it('closes with 1009 on a message larger than BODY_LIMIT_BYTES', async () => {
    const socket = await open();
    const closed = closeOf(socket.socket);
    socket.send(createOf(BODY_LIMIT + 1024));
    expect((await closed).code).toBe(1009);
    expect(upstream.chatRequests).toEqual([]);
  });

  it('closes a socket that stays without a turn with 1000 "idle timeout"', async () => {
    const socket = await open();
    expect(await closeOf(socket.socket)).toEqual({
      code: 1000,
      reason: 'idle timeout',
    });
  });

  it('never closes a socket for idleness while its turn runs past the timeout', async () => {
    upstream.enqueue({
      kind: 'stream',
      chunks: textStream(Array.from({ length: 10 }, (_, i) => `p${i} `)),
      intervalMs: 200,
    });
    const socket = await open();
    const closed = closeOf(socket.socket);
    const events = await socket.turn({ model: MODEL, input: 'hi' });
    expect(events.at(-1)!.type).toBe('response.completed');
    // The idle clock starts once the turn is over.
    expect(await closed).toEqual({ code: 1000, reason: 'idle timeout' });
  });
});
