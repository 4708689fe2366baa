import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectOpenAiError } from '../support/error-expectations.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { waitUntil } from '../support/wait-until.js';
import { GatedUpstream } from './support/gated-upstream.js';
import {
  headerOf,
  SlowClient,
  type SlowClientOutcome,
} from './support/slow-client.js';

/**
 * What Node and Fastify answer on their own, before any route (malformed
 * HTTP, headers over Node's limit, a body over the limit, invalid JSON, a
 * request during close), in OpenAI's error shape, on raw sockets.
 */
const BODY_LIMIT_BYTES = 4096;
const CHAT_HEAD =
  'POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json';

function expectRawOpenAiError(
  outcome: SlowClientOutcome,
  status: number,
  code: string,
): void {
  expect(outcome.status).toBe(status);
  expect(headerOf(outcome.head, 'content-type')).toContain('application/json');
  expect(headerOf(outcome.head, 'connection')).toBe('close');
  const body = JSON.parse(outcome.body) as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toEqual({
    message: expect.any(String) as string,
    type: 'invalid_request_error',
    param: null,
    code,
  });
}

describe("Node's and Fastify's own errors", () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;
  let port: number;
  const clients: SlowClient[] = [];

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES),
    });
    port = Number(new URL(gateway.url).port);
  });
  afterEach(() => {
    clients.splice(0).forEach((client) => client.destroy());
    upstream.reset();
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  /** Sends `bytes` exactly as written and waits for the server to close. */
  const sendRaw = (bytes: string) => {
    const client = SlowClient.open(port, bytes);
    clients.push(client);
    return client.outcome;
  };

  it.each([
    ['a request line that is not HTTP', 'GARBAGE\r\n\r\n'],
    [
      'a header name with a space',
      'GET /health HTTP/1.1\r\nHost: gateway\r\nBad Header: x\r\n\r\n',
    ],
    [
      'a non-numeric Content-Length',
      `${CHAT_HEAD}\r\nContent-Length: ten\r\n\r\n`,
    ],
    [
      'both Content-Length and Transfer-Encoding',
      `${CHAT_HEAD}\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    ],
    [
      'a chunk size that is not hexadecimal, inside the body',
      `${CHAT_HEAD}\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{"\r\nzz\r\n`,
    ],
  ])('answers %s with an OpenAI 400 and closes', async (_label, bytes) => {
    expectRawOpenAiError(await sendRaw(bytes), 400, 'invalid_request');
    expect(upstream.chatRequests).toEqual([]);
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
  });

  it('answers headers over Node’s limit with an OpenAI 431 and closes', async () => {
    const outcome = await sendRaw(
      `GET /health HTTP/1.1\r\nHost: gateway\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expectRawOpenAiError(outcome, 431, 'request_headers_too_large');
  });

  it('answers a declared body over BODY_LIMIT_BYTES with an OpenAI 413, unread', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', pad: 'x'.repeat(BODY_LIMIT_BYTES) }),
    });
    await expectOpenAiError(response, 413, { code: 'payload_too_large' });
    expect(upstream.chatRequests).toEqual([]);
  });

  it('answers invalid JSON with an OpenAI 400', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model": ',
    });
    await expectOpenAiError(response, 400, { code: 'invalid_json' });
  });
});

describe('a request that arrives while the app closes', () => {
  let upstream: GatedUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await GatedUpstream.start();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('gets an OpenAI 503 with connection: close instead of Fastify’s body', async () => {
    const fastify = gateway.app.getHttpAdapter().getInstance();
    const socket = connect(Number(new URL(gateway.url).port), '127.0.0.1');
    let received = '';
    let closed = false;
    socket.on('data', (part) => (received += part.toString('latin1')));
    socket.on('close', () => (closed = true));
    const body = '{"model":"m","messages":[{"role":"user","content":"hi"}]}';
    const request = `${CHAT_HEAD}\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    socket.write(request);
    await upstream.waitForRequests(1);
    // The first request is held upstream, so its connection stays active
    // while Fastify closes; the second arrives on it once closing began.
    const closing = fastify.close();
    await waitUntil(
      () => !fastify.server.listening,
      () => 'the server to stop listening',
    );
    socket.write(request);
    upstream.open();
    await waitUntil(
      () => closed,
      () => `the connection to close; got ${received}`,
    );
    await closing;
    const answers = received.split(/(?=HTTP\/1\.1 )/);
    expect(answers.map((answer) => answer.slice(0, 12))).toEqual([
      'HTTP/1.1 200',
      'HTTP/1.1 503',
    ]);
    const [head = '', json = ''] = answers[1]!.split('\r\n\r\n');
    expect(headerOf(head, 'connection')).toBe('close');
    expect(JSON.parse(json)).toEqual({
      error: {
        message: expect.any(String) as string,
        type: 'server_error',
        param: null,
        code: 'service_unavailable',
      },
    });
  });
});
