import { request as httpRequest, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chunk, textStream } from '../support/chat-chunks.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { waitUntil } from '../support/wait-until.js';

/** More rounds than any sensible pool has sockets, as in immich's disconnect spec. */
const ROUNDS = 50;
/** Rounds run this many at a time. */
const PARALLEL = 5;

/** A slow stream: 40 pieces, 25 ms apart, so a client leaves long before the end. */
const slowStream = () => ({
  kind: 'stream' as const,
  chunks: textStream(Array.from({ length: 40 }, (_, i) => `t${i} `)),
  intervalMs: 25,
});

describe('client disconnects', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
    });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  const gatewayConnections = (): Promise<number> => {
    const server: Server = gateway.app.getHttpServer();
    return new Promise((resolve, reject) =>
      server.getConnections((error, count) =>
        error ? reject(error) : resolve(count),
      ),
    );
  };

  /** Waits until every socket on both sides of the gateway is gone. */
  const expectNoLingeringSockets = async (): Promise<void> => {
    await waitUntil(
      async () => (await gatewayConnections()) === 0,
      () => 'client connections to the gateway to close',
    );
    await waitUntil(
      () => upstream.openSockets === 0,
      () => `upstream sockets to close (${upstream.openSockets} open)`,
    );
  };

  it(`aborts the upstream stream when the client leaves after 3 chunks, ${ROUNDS} times without leaking sockets`, async () => {
    upstream.setHandler(slowStream);
    for (let round = 0; round < ROUNDS; round += PARALLEL) {
      const received = await Promise.all(
        Array.from({ length: PARALLEL }, () =>
          readEventsThenLeave(gateway.url, '/v1/chat/completions', 3, {
            model: 'fake-model',
            messages: [{ role: 'user', content: 'go' }],
            stream: true,
          }),
        ),
      );
      for (const events of received) {
        expect(events.map((e) => JSON.parse(e).choices[0].delta)).toEqual([
          { role: 'assistant', content: '' },
          { content: 't0 ' },
          { content: 't1 ' },
        ]);
      }
      await upstream.waitForAborts(round + PARALLEL);
    }
    expect(upstream.chatRequests).toHaveLength(ROUNDS);
    expect(upstream.chatRequests.filter((r) => !r.aborted)).toEqual([]);
    // The pool never held more than the streams open at one time.
    expect(upstream.peakSockets).toBeLessThanOrEqual(PARALLEL);
    await expectNoLingeringSockets();
  });

  it('aborts a non-streaming upstream call that is still thinking', async () => {
    upstream.enqueue({
      kind: 'json',
      delayMs: 60_000,
      body: { never: 'sent' },
    });
    const request = httpRequest(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json' },
    });
    request.on('error', () => undefined);
    request.end(
      JSON.stringify({
        model: 'fake-model',
        messages: [{ role: 'user', content: 'think hard' }],
      }),
    );
    await waitUntil(
      () => upstream.chatRequests.length === 1,
      () => 'the upstream to receive the request',
    );
    request.destroy();
    await upstream.waitForAborts(1);
    expect(upstream.chatRequests[0]!.aborted).toBe(true);
    await expectNoLingeringSockets();
  });

  it('aborts the upstream when the client leaves before the first chunk', async () => {
    upstream.enqueue({ kind: 'stall' });
    const request = httpRequest(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json' },
    });
    request.on('error', () => undefined);
    request.end(JSON.stringify({ model: 'm', messages: [], stream: true }));
    await waitUntil(
      () => upstream.chatRequests.length === 1,
      () => 'the upstream to receive the request',
    );
    request.destroy();
    await upstream.waitForAborts(1);
    await expectNoLingeringSockets();
  });

  it('aborts a pass-through SSE stream disconnected mid-way', async () => {
    const events = await readEventsThenLeave(
      gateway.url,
      '/v1/echo-stream?count=1000&intervalMs=20',
      3,
    );
    expect(events).toEqual(['{"n":0}', '{"n":1}', '{"n":2}']);
    await upstream.waitForAborts(1);
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]!.aborted).toBe(true);
    await expectNoLingeringSockets();
  });

  it('aborts a pass-through request the upstream has not answered yet', async () => {
    const request = httpRequest(`${gateway.url}/v1/echo-stream?delayMs=60000`, {
      agent: false,
    });
    request.on('error', () => undefined);
    request.end();
    await waitUntil(
      () => upstream.requests.length === 1,
      () => 'the upstream to receive the request',
    );
    request.destroy();
    await upstream.waitForAborts(1);
    await expectNoLingeringSockets();
  });

  it('keeps serving after the disconnects', async () => {
    upstream.enqueue({
      kind: 'stream',
      chunks: [chunk({ content: 'still here' }, 'stop')],
    });
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [], stream: true }),
    });
    expect(await response.text()).toContain('still here');
  });
});

/**
 * Opens an SSE request on its own connection, reads `count` complete
 * `data:` events and then destroys the socket. Returns the events' data.
 */
function readEventsThenLeave(
  baseUrl: string,
  path: string,
  count: number,
  body?: unknown,
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${baseUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      agent: false,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
    });
    let buffer = '';
    request.on('response', (response) => {
      if (response.statusCode !== 200) {
        reject(new Error(`status ${response.statusCode}`));
        return;
      }
      response.on('data', (part: Buffer) => {
        buffer += part.toString('utf8');
        const frames = buffer.split('\n\n').slice(0, -1);
        if (frames.length >= count) {
          request.destroy();
          resolve(
            frames.slice(0, count).map((frame) => frame.replace(/^data: /, '')),
          );
        }
      });
    });
    // The destroy above surfaces as an error on the request; that is the point.
    request.on('error', (error) => {
      if (!request.destroyed) {
        reject(error);
      }
    });
    request.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
