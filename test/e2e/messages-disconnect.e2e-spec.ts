import Anthropic from '@anthropic-ai/sdk';
import { request as httpRequest, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { textStream } from '../support/chat-chunks.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import {
  messagesBody,
  messagesClient,
  sseFrames,
  textOf,
  type SseFrame,
} from '../support/messages-http.js';
import { waitUntil } from '../support/wait-until.js';

const ROUNDS = 20;
const PARALLEL = 5;

/** A slow stream: 40 pieces, 25 ms apart, so a client leaves long before the end. */
const slowStream = () => ({
  kind: 'stream' as const,
  chunks: textStream(Array.from({ length: 40 }, (_, i) => `t${i} `)),
  intervalMs: 25,
});

/**
 * A client that leaves a `/v1/messages` call (streamed or not, before or
 * after the first event) makes the gateway abort its upstream call, and
 * no socket is left open on either side.
 */
describe('/v1/messages: client disconnects', () => {
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

  it('aborts the upstream when the SDK aborts a stream after its first text', async () => {
    upstream.setHandler(slowStream);
    const client = messagesClient(gateway.url);
    const stream = client.messages.stream(messagesBody('go'));
    const texts: string[] = [];
    stream.on('text', (text) => {
      texts.push(text);
      if (texts.length === 1) {
        stream.abort();
      }
    });
    const outcome = await stream.finalMessage().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(Anthropic.APIUserAbortError);
    expect(texts[0]).toBe('t0 ');
    await upstream.waitForAborts(1);
    expect(upstream.chatRequests).toHaveLength(1);
    expect(upstream.chatRequests[0]!.aborted).toBe(true);
    await expectNoLingeringSockets();
  });

  it(`aborts the upstream stream when the client leaves after 4 events, ${ROUNDS} times without leaking sockets`, async () => {
    upstream.setHandler(slowStream);
    for (let round = 0; round < ROUNDS; round += PARALLEL) {
      const received = await Promise.all(
        Array.from({ length: PARALLEL }, () =>
          readFramesThenLeave(gateway.url, 4, {
            ...messagesBody('go'),
            stream: true,
          }),
        ),
      );
      for (const frames of received) {
        expect(frames.map((frame) => frame.event)).toEqual([
          'message_start',
          'content_block_start',
          'content_block_delta',
          'content_block_delta',
        ]);
        expect(frames.slice(2).map((frame) => frame.data['delta'])).toEqual([
          { type: 'text_delta', text: 't0 ' },
          { type: 'text_delta', text: 't1 ' },
        ]);
      }
      await upstream.waitForAborts(round + PARALLEL);
    }
    expect(upstream.chatRequests).toHaveLength(ROUNDS);
    expect(upstream.chatRequests.filter((r) => !r.aborted)).toEqual([]);
    await expectNoLingeringSockets();
  });

  it.each([
    ['a non-streamed call the upstream is still thinking over', false],
    ['a stream before its first chunk', true],
  ])('aborts the upstream when the client leaves %s', async (_case, stream) => {
    upstream.enqueue(
      stream
        ? { kind: 'stall' }
        : { kind: 'json', delayMs: 60_000, body: { never: 'sent' } },
    );
    const request = httpRequest(`${gateway.url}/v1/messages`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json' },
    });
    request.on('error', () => undefined);
    request.end(JSON.stringify({ ...messagesBody('think hard'), stream }));
    await waitUntil(
      () => upstream.chatRequests.length === 1,
      () => 'the upstream to receive the request',
    );
    request.destroy();
    await upstream.waitForAborts(1);
    expect(upstream.chatRequests[0]!.aborted).toBe(true);
    await expectNoLingeringSockets();
  });

  it('keeps serving after the disconnects', async () => {
    upstream.enqueue({
      kind: 'stream',
      chunks: textStream(['still ', 'here']),
    });
    const message = await messagesClient(gateway.url)
      .messages.stream(messagesBody('hi'))
      .finalMessage();
    expect(textOf(message)).toBe('still here');
  });
});

/**
 * Opens a Messages stream on its own connection, reads `count` complete
 * SSE frames and then destroys the socket. Returns those frames.
 */
function readFramesThenLeave(
  baseUrl: string,
  count: number,
  body: unknown,
): Promise<SseFrame[]> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${baseUrl}/v1/messages`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json' },
    });
    let buffer = '';
    request.on('response', (response) => {
      if (response.statusCode !== 200) {
        reject(new Error(`status ${response.statusCode}`));
        return;
      }
      response.on('data', (part: Buffer) => {
        buffer += part.toString('utf8');
        const complete = buffer.slice(0, buffer.lastIndexOf('\n\n') + 2);
        const frames = sseFrames(complete);
        if (frames.length >= count) {
          request.destroy();
          resolve(frames.slice(0, count));
        }
      });
    });
    // The destroy above surfaces as an error on the request; that is the point.
    request.on('error', (error) => {
      if (!request.destroyed) {
        reject(error);
      }
    });
    request.end(JSON.stringify(body));
  });
}
