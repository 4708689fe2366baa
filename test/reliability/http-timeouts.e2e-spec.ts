import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { textStream, completion } from '../support/chat-chunks.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { waitUntil } from '../support/wait-until.js';
import {
  headerOf,
  postHead,
  SlowClient,
  type SlowClientOutcome,
} from './support/slow-client.js';

/**
 * The HTTP server's own timeouts, on real sockets: a request must arrive
 * within HTTP_REQUEST_TIMEOUT (headers within HTTP_HEADERS_TIMEOUT), else
 * a 408 in OpenAI's shape and the connection closes; answers, streams
 * included, are never cut by them; an idle keep-alive connection closes
 * after HTTP_KEEP_ALIVE_TIMEOUT; a request without a key gets its 401 and
 * its connection closed, body unread.
 */
const KEY = 'sk-gateway-timeouts';
const AUTH = { Authorization: `Bearer ${KEY}` };
const SLOW_CLIENTS = 300;

/** The outcome's body as an OpenAI error, checked for its exact shape. */
function openAiError(outcome: SlowClientOutcome): Record<string, unknown> {
  const body = JSON.parse(outcome.body) as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual([
    'code',
    'message',
    'param',
    'type',
  ]);
  return body.error;
}

describe('HTTP server timeouts', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;
  let port: number;
  const clients: SlowClient[] = [];

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      GATEWAY_API_KEYS: KEY,
      HTTP_REQUEST_TIMEOUT: '2',
      HTTP_HEADERS_TIMEOUT: '1',
      HTTP_KEEP_ALIVE_TIMEOUT: '1',
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

  const open = (firstBytes: string, trickle = '', intervalMs = 200) => {
    const client = SlowClient.open(port, firstBytes, trickle, intervalMs);
    clients.push(client);
    return client;
  };

  const chat = (body: Record<string, unknown>) =>
    fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...AUTH },
      body: JSON.stringify({ model: 'fake-model', ...body }),
      signal: AbortSignal.timeout(15_000),
    });

  it(`cuts ${SLOW_CLIENTS} clients trickling their bodies with a 408, and serves a normal request meanwhile`, async () => {
    const slow = Array.from({ length: SLOW_CLIENTS }, () =>
      open(postHead('/v1/chat/completions', 1000, AUTH) + '{"model":', ' '),
    );
    upstream.enqueue({ kind: 'json', body: completion({ content: 'hi' }) });
    const normal = await chat({ messages: [{ role: 'user', content: 'hi' }] });
    expect(normal.status).toBe(200);
    const outcomes = await Promise.all(slow.map((client) => client.outcome));
    for (const outcome of outcomes) {
      expect(outcome.status).toBe(408);
      expect(headerOf(outcome.head, 'connection')).toBe('close');
      expect(openAiError(outcome)).toMatchObject({
        type: 'invalid_request_error',
        code: 'request_timeout',
      });
    }
    expect(upstream.chatRequests).toHaveLength(1);
  });

  it('cuts a client trickling its headers with a 408 after HTTP_HEADERS_TIMEOUT', async () => {
    const outcome = await open(
      'POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nX-Slow: ',
      'abcdefgh',
    ).outcome;
    expect(outcome.status).toBe(408);
    expect(openAiError(outcome).code).toBe('request_timeout');
    expect(upstream.chatRequests).toEqual([]);
  });

  it('closes a connection that never sends a request', async () => {
    const outcome = await open('').outcome;
    expect([0, 408]).toContain(outcome.status);
  });

  it('lets a stream run on past HTTP_REQUEST_TIMEOUT: the timeout covers receiving the request only', async () => {
    const pieces = Array.from({ length: 10 }, (_, i) => `p${i} `);
    upstream.enqueue({
      kind: 'stream',
      chunks: textStream(pieces),
      intervalMs: 350,
    });
    const answer = await chat({
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const text = await answer.text();
    expect(answer.status).toBe(200);
    for (const piece of pieces) {
      expect(text).toContain(JSON.stringify(piece));
    }
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('lets a non-streaming answer take longer than HTTP_REQUEST_TIMEOUT', async () => {
    upstream.enqueue({
      kind: 'json',
      body: completion({ content: 'slow but fine' }),
      delayMs: 3_000,
    });
    const answer = await chat({ messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('slow but fine');
  });

  it('closes an idle keep-alive connection after HTTP_KEEP_ALIVE_TIMEOUT', async () => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let closed = false;
    socket.on('data', (part) => (received += part.toString('latin1')));
    socket.on('close', () => (closed = true));
    socket.write('GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n');
    await waitUntil(
      () => closed,
      () => `the idle connection to close; got ${received}`,
      10_000,
    );
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(headerOf(received, 'connection')).toBe('keep-alive');
  });

  it.each([
    ['without a key', {}],
    ['with a wrong key', { Authorization: 'Bearer sk-wrong' }],
  ])(
    'answers a slow body %s with the 401 and closes the connection, body unread',
    async (_label, headers) => {
      const outcome = await open(
        postHead('/v1/chat/completions', 100_000, headers) + '{"model":',
        'x',
      ).outcome;
      expect(outcome.status).toBe(401);
      expect(headerOf(outcome.head, 'connection')).toBe('close');
      // One answer, the 401's: the connection closed before any timeout's 408.
      expect(openAiError(outcome).code).toBe('invalid_api_key');
      expect(upstream.chatRequests).toEqual([]);
    },
  );
});
