import type { IncomingMessage } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectOpenAiError } from '../support/error-expectations.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { waitUntil } from '../support/wait-until.js';
import { GatedUpstream } from './support/gated-upstream.js';
import { postHead, SlowClient } from './support/slow-client.js';

/**
 * The memory budget of request bodies (MAX_INFLIGHT_BODY_BYTES), in process
 * with a small budget: a body it cannot hold now gets a 503
 * `server_overloaded` with `retry-after` before it is read, declared or
 * chunked; the body limit is at most the budget (413 above it); and a
 * request gives its bytes back however it ends.
 */
const BUDGET = 64 * 1024;
const LARGE = 40 * 1024;

/** A chat body of about `bytes` bytes. */
function chatBody(bytes: number): string {
  const head = '{"model":"fake-model","messages":[{"role":"user","content":"';
  const tail = '"}]}';
  return head + 'a'.repeat(bytes - head.length - tail.length) + tail;
}

/** `text` as a request body without a length: sent chunked. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + 8192));
      offset += 8192;
    },
  });
}

describe('memory budget of request bodies', () => {
  let upstream: GatedUpstream;
  let gateway: RunningGateway;
  const clients: SlowClient[] = [];

  beforeAll(async () => {
    upstream = await GatedUpstream.start();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      MAX_INFLIGHT_BODY_BYTES: String(BUDGET),
      HTTP_REQUEST_TIMEOUT: '2',
      HTTP_HEADERS_TIMEOUT: '1',
    });
    upstream.open();
  });
  afterEach(() => {
    clients.splice(0).forEach((client) => client.destroy());
    upstream.open();
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const post = (body: string | ReadableStream<Uint8Array>) =>
    fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
      signal: AbortSignal.timeout(15_000),
    });

  /**
   * A slow client declaring a LARGE body, once the gateway has taken its
   * request in: its hooks, the budget's included, run in that same turn.
   */
  const admittedSlowClient = async (trickle: string) => {
    const server = gateway.app.getHttpServer();
    const arrived = new Promise<void>((resolve) => {
      const onRequest = (request: IncomingMessage) => {
        if (request.headers['x-test-client'] === 'slow') {
          server.off('request', onRequest);
          setImmediate(resolve);
        }
      };
      server.on('request', onRequest);
    });
    const slow = SlowClient.open(
      Number(new URL(gateway.url).port),
      postHead('/v1/chat/completions', LARGE, { 'X-Test-Client': 'slow' }) +
        '{"model":',
      trickle,
    );
    clients.push(slow);
    await arrived;
    return slow;
  };

  const expectOverloaded = async (response: Response) => {
    await expectOpenAiError(response, 503, {
      type: 'server_error',
      code: 'server_overloaded',
    });
    expect(response.headers.get('retry-after')).toBe('5');
  };

  it('refuses a body the budget cannot hold now with a 503 and retry-after, declared or chunked, and lets small ones through', async () => {
    upstream.hold();
    const seen = upstream.bodyBytes.length;
    const held = post(chatBody(LARGE));
    await upstream.waitForRequests(seen + 1);

    await expectOverloaded(await post(chatBody(LARGE)));
    await expectOverloaded(await post(chunked(chatBody(LARGE))));
    const small = post(chatBody(1024));
    await upstream.waitForRequests(seen + 2);
    expect(upstream.bodyBytes).toHaveLength(seen + 2);

    upstream.open();
    expect((await held).status).toBe(200);
    expect((await small).status).toBe(200);
    // Released: the same large body now fits, declared and chunked.
    expect((await post(chatBody(LARGE))).status).toBe(200);
    expect((await post(chunked(chatBody(LARGE)))).status).toBe(200);
  });

  it('caps the body limit at the budget: a larger body is a 413, which no retry fixes', async () => {
    const response = await post(chatBody(BUDGET + 1024));
    await expectOpenAiError(response, 413, { code: 'payload_too_large' });
  });

  it('takes the bytes back from a request cut by the request timeout', async () => {
    const slow = await admittedSlowClient(' ');
    // Its declared body is reserved as soon as its headers are in.
    await expectOverloaded(await post(chatBody(LARGE)));
    expect((await slow.outcome).status).toBe(408);
    expect((await post(chatBody(LARGE))).status).toBe(200);
  });

  it('takes the bytes back from a client that disconnects mid-body', async () => {
    const slow = await admittedSlowClient('');
    await expectOverloaded(await post(chatBody(LARGE)));
    slow.destroy();
    await waitUntil(
      async () => (await post(chatBody(LARGE))).status === 200,
      () => 'the disconnected request to release its body',
    );
  });
});
