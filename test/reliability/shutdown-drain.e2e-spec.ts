import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { createLogger } from '../../src/common/logging/create-logger.js';
import {
  appDrainPlan,
  drainAndClose,
} from '../../src/lifecycle/graceful-shutdown.js';
import { textStream } from '../support/chat-chunks.js';
import { FakeUpstream, type FakeReply } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { ResponsesSocket } from '../support/responses-socket.js';
import { waitUntil } from '../support/wait-until.js';

const MODEL = 'fake-model';
const PIECES = Array.from({ length: 10 }, (_, i) => `p${i} `);

/** A streamed answer being read: its status, then its whole text. */
interface ReadingStream {
  status: number;
  text: Promise<string>;
}

/** Resolves with the close code and reason the socket got. */
async function closeOf(
  socket: WebSocket,
): Promise<{ code: number; reason: string }> {
  const [code, reason] = (await once(socket, 'close')) as [number, Buffer];
  return { code, reason: reason.toString('utf8') };
}

/**
 * The shutdown drain of a gateway (the code SIGTERM runs, in process), as
 * its streams see it: idle WebSockets close at once with 1001, busy ones
 * after their turn (turns queued behind it get an error frame each), and
 * streams still running when the grace period ends get their terminal
 * failure event and `[DONE]` before any connection is cut.
 */
describe('the shutdown drain, seen by streams and WebSockets', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway | undefined;
  let drained = false;
  const sockets: ResponsesSocket[] = [];
  const logger = createLogger('silent');

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
  });
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((socket) => socket.close()));
    // A test that failed before its drain leaves its gateway running.
    if (gateway && !drained) {
      await gateway.close();
    }
    upstream.reset();
  });
  afterAll(async () => {
    await upstream.close();
  });

  async function start(): Promise<RunningGateway> {
    const started = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
    });
    gateway = started;
    drained = false;
    return started;
  }

  async function open(): Promise<ResponsesSocket> {
    const socket = await ResponsesSocket.open(gateway!.url);
    sockets.push(socket);
    return socket;
  }

  function drain(graceMs: number): Promise<number> {
    const running = gateway!;
    drained = true;
    return drainAndClose(
      appDrainPlan(running.app, logger, {
        graceMs,
        close: () => running.close(),
      }),
    );
  }

  async function stream(path: string, body: unknown): Promise<ReadingStream> {
    const answer = await fetch(`${gateway!.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    return {
      status: answer.status,
      text: answer.text().catch(() => '(cut)'),
    };
  }

  it('closes an idle WebSocket at once with 1001, without waiting for the grace period', async () => {
    await start();
    const socket = await open();
    const closed = closeOf(socket.socket);
    // A 60 s grace period: the drain only returns early if the socket left.
    await expect(drain(60_000)).resolves.toBe(0);
    expect(await closed).toEqual({
      code: 1001,
      reason: 'server shutting down',
    });
  });

  it('lets a running WebSocket turn finish, refuses the queued one with an error frame, then closes with 1001', async () => {
    await start();
    upstream.enqueue({
      kind: 'stream',
      chunks: textStream(PIECES),
      intervalMs: 100,
    });
    const socket = await open();
    const closed = closeOf(socket.socket);
    socket.send({ type: 'response.create', model: MODEL, input: 'first' });
    await socket.waitForFrames(1);
    socket.send({ type: 'response.create', model: MODEL, input: 'queued' });
    const pong = once(socket.socket, 'pong');
    socket.socket.ping();
    await pong;

    const drained = drain(60_000);
    const first = await socket.next();
    expect(first.at(-1)!.type).toBe('response.completed');
    const refused = await socket.next();
    expect(refused).toEqual([
      expect.objectContaining({
        type: 'error',
        status: 503,
        error: expect.objectContaining({ code: 'service_unavailable' }),
      }),
    ]);
    expect((await closed).code).toBe(1001);
    await expect(drained).resolves.toBe(0);
    expect(upstream.chatRequests).toHaveLength(1);
  });

  it('ends the streams still running at the end of the grace period with their failure event and [DONE]', async () => {
    await start();
    upstream.setHandler((request): FakeReply => {
      const text = JSON.stringify(request.body.messages);
      return text.includes('no headers')
        ? { kind: 'stall' }
        : { kind: 'stream', chunks: textStream(PIECES), stallAfter: 3 };
    });
    const responses = await stream('/v1/responses', {
      model: MODEL,
      input: 'sse',
      stream: true,
    });
    const chat = await stream('/v1/chat/completions', {
      model: MODEL,
      stream: true,
      messages: [{ role: 'user', content: 'chat' }],
    });
    const socket = await open();
    const closed = closeOf(socket.socket);
    socket.send({ type: 'response.create', model: MODEL, input: 'ws' });
    await socket.waitForFrames(3);
    const waiting = stream('/v1/responses', {
      model: MODEL,
      input: 'no headers',
      stream: true,
    });
    await waitUntil(
      () => upstream.chatRequests.length === 4,
      () => `4 upstream calls, saw ${upstream.chatRequests.length}`,
    );

    await expect(drain(200)).resolves.toBe(0);

    expect(responses.status).toBe(200);
    const responsesText = await responses.text;
    expect(responsesText).toContain('event: response.failed');
    expect(responsesText).toMatch(/shutting down/);
    expect(responsesText.trimEnd().endsWith('data: [DONE]')).toBe(true);

    expect(chat.status).toBe(200);
    const frames = (await chat.text).trimEnd().split('\n\n');
    expect(frames.at(-1)).toBe('data: [DONE]');
    expect(JSON.parse(frames.at(-2)!.slice('data: '.length))).toMatchObject({
      error: {
        message: expect.stringMatching(/shutting down/),
        type: 'server_error',
        code: 'service_unavailable',
      },
    });

    const turn = await socket.next();
    expect(turn.at(-1)).toMatchObject({
      type: 'response.failed',
      response: { status: 'failed', error: { code: 'server_error' } },
    });
    expect((await closed).code).toBe(1001);

    const beforeHeaders = await waiting;
    expect(beforeHeaders.status).toBe(503);
    expect(JSON.parse(await beforeHeaders.text)).toMatchObject({
      error: { type: 'server_error', code: 'service_unavailable' },
    });
    // Every upstream call was aborted with its stream.
    await upstream.waitForAborts(4);
  });
});
