import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import {
  startLoggedGateway,
  type LoggedGateway,
} from './support/logged-gateway.js';
import { rawRequest } from './support/raw-http.js';
import { RawUpstream } from './support/raw-upstream.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The value of a header in a raw response head, if present. */
const headerOf = (head: string, name: string): string | undefined =>
  head
    .split('\r\n')
    .find((line) => line.toLowerCase().startsWith(`${name}:`))
    ?.slice(name.length + 1)
    .trim();

describe('header injection', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;
  let port: number;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
    });
    port = Number(new URL(gateway.url).port);
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });
  beforeEach(() => upstream.reset());

  it.each([
    ['a bare CR in x-request-id', 'X-Request-Id: a\rInjected: yes'],
    ['a bare LF in x-request-id', 'X-Request-Id: a\nInjected: yes'],
    ['an obs-fold continuation', 'X-Request-Id: a\r\n Injected: yes'],
    ['a bare CR in a forwarded header', 'X-Custom: a\rInjected: yes'],
    ['a NUL in a forwarded header', 'X-Custom: a\u0000b'],
  ])(
    '%s is refused by the HTTP parser and reaches nobody',
    async (_name, header) => {
      const answer = await rawRequest(
        port,
        `GET /v1/embeddings HTTP/1.1\r\nHost: x\r\n${header}`,
      );
      expect(answer.status).toBe(400);
      expect(answer.head.toLowerCase()).not.toContain('injected');
      expect(upstream.requests).toEqual([]);
      expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    },
  );

  it.each([
    ['markup', '<script>alert(1)</script>'],
    ['spaces', 'a b'],
    ['a comma', 'a,b'],
    ['latin-1', 'caf\u00e9'],
    ['129 characters', 'a'.repeat(129)],
  ])('an x-request-id with %s is replaced by a UUID', async (_name, value) => {
    const answer = await rawRequest(
      port,
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Request-Id: ${value}`,
    );
    expect(answer.status).toBe(200);
    expect(headerOf(answer.head, 'x-request-id')).toMatch(UUID);
  });

  it('a safe x-request-id is echoed as it is', async () => {
    const answer = await rawRequest(
      port,
      'GET /health HTTP/1.1\r\nHost: x\r\nX-Request-Id: req_1.a:b@c-d',
    );
    expect(headerOf(answer.head, 'x-request-id')).toBe('req_1.a:b@c-d');
  });

  describe('an upstream whose response headers hold control characters', () => {
    it.each([
      ['a bare CR', 'X-Evil: a\rInjected: yes'],
      ['a bare LF', 'X-Evil: a\nInjected: yes'],
      ['a NUL', 'X-Evil: a\u0000Injected: yes'],
    ])('%s: the client gets a 502, never the header', async (_name, header) => {
      const raw = await RawUpstream.start(
        `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n${header}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
      );
      const proxied = await startGateway({
        OPENAI_BASE_URL_INTERNAL: raw.baseUrl,
        UPSTREAM_MAX_RETRIES: '0',
      });
      try {
        const proxiedPort = Number(new URL(proxied.url).port);
        for (const request of [
          'GET /v1/embeddings HTTP/1.1\r\nHost: x',
          'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json',
        ]) {
          const answer = await rawRequest(
            proxiedPort,
            request,
            request.startsWith('POST') ? '{"model":"m","messages":[]}' : '',
          );
          expect(answer.status).toBe(502);
          expect(answer.head.toLowerCase()).not.toContain('injected');
          expect(answer.head.toLowerCase()).not.toContain('x-evil');
        }
        expect(raw.requests).toBe(2);
      } finally {
        await proxied.close();
        await raw.close();
      }
    });
  });
});

describe('secrets in logs', () => {
  const CLIENT_KEY = 'sk-client-4f1c2a9e7d3b';
  const UPSTREAM_KEY = 'sk-upstream-8b6e0d5c1a2f';
  let upstream: FakeUpstream;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
  });
  afterAll(() => upstream?.close());

  it.each([
    ['the gateway uses its own upstream key', 'false'],
    ['the client key is forwarded (FORWARD_CLIENT_AUTH)', 'true'],
  ])(
    'no log line at trace level holds a key when %s',
    async (_name, forward) => {
      const gateway: LoggedGateway = await startLoggedGateway({
        OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
        OPENAI_API_KEY: UPSTREAM_KEY,
        FORWARD_CLIENT_AUTH: forward,
        UPSTREAM_MAX_RETRIES: '0',
      });
      try {
        const headers = {
          'content-type': 'application/json',
          authorization: `Bearer ${CLIENT_KEY}`,
          'x-api-key': CLIENT_KEY,
        };
        const post = (path: string, body: unknown) =>
          fetch(`${gateway.url}${path}`, {
            method: 'POST',
            headers,
            body: JSON.stringify(body),
          }).then((r) => r.text());
        const chat = {
          model: 'fake-model',
          messages: [{ role: 'user', content: 'hi' }],
        };
        const responses = { model: 'fake-model', input: 'hi' };
        // Normal requests, streamed and not, and a pass-through.
        await post('/v1/chat/completions', chat);
        await post('/v1/chat/completions', { ...chat, stream: true });
        await post('/v1/responses', responses);
        await post('/v1/responses', { ...responses, stream: true });
        await fetch(`${gateway.url}/v1/embeddings`, { headers }).then((r) =>
          r.text(),
        );
        // Upstream errors, a 500 logged as an error, and a bad request.
        upstream.enqueue({
          kind: 'error',
          status: 500,
          body: 'upstream exploded',
        });
        await post('/v1/chat/completions', chat);
        upstream.enqueue({
          kind: 'error',
          status: 401,
          body: {
            error: {
              message: 'Incorrect API key',
              type: 'invalid_request_error',
              param: null,
              code: 'invalid_api_key',
            },
          },
        });
        await post('/v1/responses', responses);
        upstream.enqueue({ kind: 'destroy' });
        await post('/v1/responses', { ...responses, stream: true });
        await post('/v1/responses', { model: 42 });

        // The keys did travel: the upstream saw one of them on every call.
        const seen = upstream.requests.map((r) => r.headers.authorization);
        expect(seen).toContain(
          `Bearer ${forward === 'true' ? CLIENT_KEY : UPSTREAM_KEY}`,
        );
        // The log is not empty: one line per request at least, and errors.
        const levels = gateway.lines.map(
          (line) => (JSON.parse(line) as { level: string }).level,
        );
        expect(gateway.lines.length).toBeGreaterThanOrEqual(9);
        expect(levels).toContain('error');
        const leaks = gateway.lines.filter(
          (line) => line.includes(CLIENT_KEY) || line.includes(UPSTREAM_KEY),
        );
        expect(leaks).toEqual([]);
      } finally {
        await gateway.close();
        upstream.reset();
      }
    },
  );
});
