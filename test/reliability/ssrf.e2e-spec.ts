import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { rawRequest } from './support/raw-http.js';

/**
 * The pass-through proxy only ever talks to its configured upstream: the
 * client's path is joined below the upstream's base URL, and no request
 * target, Host header, encoding or `@`/`//` trick reaches another host or
 * a path outside the base. A second server (`other`) stands for the host an
 * attacker wants to reach; it must never see a request.
 */
describe('SSRF through the proxy and the hosted mcp tool', () => {
  let upstream: FakeUpstream;
  let other: FakeUpstream;
  let gateway: RunningGateway;
  let port: number;
  let otherHost: string;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    other = await FakeUpstream.start();
    otherHost = new URL(other.baseUrl).host;
    // No MCP_REMOTE_SERVERS_ALLOWED: the hosted mcp tool is off.
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
    });
    port = Number(new URL(gateway.url).port);
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    // Checked last, over every case of the file.
    expect(other.requests).toEqual([]);
    await other?.close();
  });
  beforeEach(() => upstream.reset());

  const get = (target: string, headers = '') =>
    rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: ${otherHost}${headers}`);

  it.each([
    [
      'an absolute-form target naming another host',
      () => `http://${otherHost}/v1/embeddings`,
      '/v1/embeddings',
    ],
    [
      'another host after a double slash',
      () => `/v1//${otherHost}/embeddings`,
      () => `/v1//${otherHost}/embeddings`,
    ],
    [
      'userinfo-like @ after /v1/',
      () => `/v1/@${otherHost}/embeddings`,
      () => `/v1/@${otherHost}/embeddings`,
    ],
    [
      'encoded slashes with dots',
      () => '/v1/..%2f..%2fadmin',
      '/v1/..%2f..%2fadmin',
    ],
    [
      'encoded dots and slash in one segment',
      () => '/v1/%2E%2E%2Fadmin',
      '/v1/%2E%2E%2Fadmin',
    ],
    [
      'a dot segment that stays below /v1',
      () => '/v1/files/../embeddings',
      '/v1/embeddings',
    ],
    [
      'a URL in the query',
      () => `/v1/embeddings?url=http://${otherHost}/`,
      () => `/v1/embeddings?url=http://${otherHost}/`,
    ],
  ] as [string, () => string, string | (() => string)][])(
    '%s stays on the configured upstream, below its base path',
    async (_name, target, expectedPath) => {
      const answer = await get(target(), `\r\nX-Forwarded-Host: ${otherHost}`);
      expect(answer.status).toBe(200);
      const echoed = JSON.parse(answer.body) as {
        url: string;
        headers: Record<string, string>;
      };
      expect(echoed.url).toBe(
        typeof expectedPath === 'function' ? expectedPath() : expectedPath,
      );
      expect(upstream.requests).toHaveLength(1);
      // Host is hop-by-hop: the upstream sees its own host, not the client's.
      expect(echoed.headers.host).toBe(new URL(upstream.baseUrl).host);
    },
  );

  it.each([
    ['..', '/v1/../admin'],
    ['.. twice', '/v1/../../admin'],
    ['%2e%2e', '/v1/%2e%2e/admin'],
    ['mixed-case %2E%2e', '/v1/%2E%2e/%2e%2E/admin'],
    ['a backslash', '/v1/..\\admin'],
    ['.. below a path', '/v1/files/../../admin'],
  ])(
    'a dot segment (%s) that would leave the base path gets a 400 and reaches nobody',
    async (_name, target) => {
      const answer = await get(target);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({
        error: { type: 'invalid_request_error', code: 'invalid_path' },
      });
      expect(upstream.requests).toEqual([]);
    },
  );

  it.each([
    [
      'a network-path target (//host)',
      () => `//${otherHost}/v1/embeddings`,
      404,
    ],
    ['@ glued to /v1', () => `/v1@${otherHost}/embeddings`, 404],
    [
      'a host where the upstream name goes',
      () => `/${otherHost}/v1/embeddings`,
      404,
    ],
    ['an encoded .. as the upstream name', () => '/%2e%2e/v1/embeddings', 404],
    [
      'a target without a leading slash',
      () => `${otherHost}/v1/embeddings`,
      400,
    ],
  ] as [string, () => string, number][])(
    '%s is refused',
    async (_name, target, status) => {
      const answer = await get(target());
      expect(answer.status).toBe(status);
      expect(upstream.requests).toEqual([]);
    },
  );

  it('a model name that is a URL is only a model name', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: `http://${otherHost}/v1`,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(response.status).toBe(200);
    expect(upstream.chatRequests[0]!.body.model).toBe(`http://${otherHost}/v1`);
  });

  it.each([
    [
      'any URL while MCP_REMOTE_SERVERS_ALLOWED is unset',
      () => `http://${otherHost}/mcp`,
    ],
    [
      'a loopback metadata-style URL',
      () => 'http://169.254.169.254/latest/meta-data/',
    ],
  ])('the hosted mcp tool with %s gets a 400', async (_name, url) => {
    const response = await fetch(`${gateway.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'fake-model',
        input: 'hi',
        tools: [
          {
            type: 'mcp',
            server_label: 'x',
            server_url: url(),
            require_approval: 'never',
          },
        ],
      }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/MCP_REMOTE_SERVERS_ALLOWED/);
    expect(upstream.chatRequests).toEqual([]);
  });
});
