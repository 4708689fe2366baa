import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completion } from '../support/chat-chunks.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import { TempDir, waitFor } from '../support/mcp-servers.js';
import { startRedisServer, type TestRedis } from '../support/redis-server.js';
import { ensureFreshBuild, GatewayProcess } from './support/gateway-process.js';
import { TokenEchoServer } from './support/token-echo-server.js';

/**
 * The built gateway (`node dist/main.js`, so every byte it writes is seen,
 * JSON log lines or not) at LOG_LEVEL=trace with a secret on every path a
 * secret can take: the upstream key, its own API key, a Redis password that
 * fails AUTH, a `${VAR}` that a stdio MCP server prints to stderr, an HTTP
 * MCP server and a hosted one whose 401 bodies echo their tokens, an
 * upstream whose errors echo its key, and a client's x-api-key and cookie
 * on a pass-through route. No secret may appear in any log line, response
 * body, /metrics or /v1/mcp/servers, and the client's credentials never
 * reach the upstream.
 */
const SECRETS = {
  upstreamKey: 'sk-upstream-5d1f9a3c7e2b',
  gatewayKey: 'gw-key-8c4e2a6f1d9b',
  redisPassword: 'redis-pw-3b7d1f5a9c2e',
  stdioToken: 'stdio-token-6a2c8e4f0b1d',
  httpMcpToken: 'http-mcp-token-9f3b7d1c5a2e',
  hostedToken: 'hosted-token-2e6a0c4f8b3d',
  clientApiKey: 'client-api-key-7c1e5a9d3f2b',
  cookie: 'session-cookie-4d8b2f6a0e1c',
  compactionSecret: 'compaction-secret-1a5e9c3f7b2d',
};
const STDIO_SERVER = new URL(
  './support/secret-stderr-mcp-server.mjs',
  import.meta.url,
).pathname;

describe('secrets at LOG_LEVEL=trace, on every path', () => {
  let upstream: FakeUpstream;
  let redis: TestRedis;
  let tokenEcho: TokenEchoServer;
  let dir: TempDir;
  let gateway: GatewayProcess;
  /** Every response body the gateway sent in this file. */
  const bodies: string[] = [];

  beforeAll(async () => {
    ensureFreshBuild();
    upstream = await FakeUpstream.start();
    // Another password than the URL's: the gateway's AUTH fails.
    redis = await startRedisServer(undefined, [
      '--requirepass',
      'the-right-password-0c9e',
    ]);
    tokenEcho = await TokenEchoServer.start();
    dir = await TempDir.create();
    const mcpConfig = await dir.writeConfig({
      printer: {
        command: process.execPath,
        args: [STDIO_SERVER],
        env: { MCP_STDIO_TOKEN: '${STDIO_TOKEN}' },
      },
      remote: {
        url: `${tokenEcho.origin}mcp`,
        headers: { Authorization: 'Bearer ${HTTP_MCP_TOKEN}' },
      },
    });
    gateway = await GatewayProcess.start(null, {
      LOG_LEVEL: 'trace',
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      OPENAI_API_KEY: SECRETS.upstreamKey,
      GATEWAY_API_KEYS: SECRETS.gatewayKey,
      REDIS_URL: `redis://:${SECRETS.redisPassword}@127.0.0.1:${redis.port}/0`,
      MCP_SERVERS_CONFIG_PATH: mcpConfig,
      STDIO_TOKEN: SECRETS.stdioToken,
      HTTP_MCP_TOKEN: SECRETS.httpMcpToken,
      MCP_REMOTE_SERVERS_ALLOWED: tokenEcho.origin,
      COMPACTION_SECRET: SECRETS.compactionSecret,
      UPSTREAM_MAX_RETRIES: '0',
    });
  }, 240_000);

  afterAll(async () => {
    await gateway?.kill();
    await tokenEcho?.close();
    await redis?.stop();
    await upstream?.close();
    await dir?.remove();
  });

  /** One request with the gateway key; its body is kept for the final check. */
  async function call(
    path: string,
    init: { method?: string; body?: unknown; headers?: object } = {},
  ): Promise<{ status: number; text: string }> {
    const answer = await fetch(`${gateway.url}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        authorization: `Bearer ${SECRETS.gatewayKey}`,
        ...(init.body === undefined
          ? {}
          : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await answer.text();
    bodies.push(text);
    return { status: answer.status, text };
  }

  const chat = {
    model: 'fake-model',
    messages: [{ role: 'user', content: 'hi' }],
  };

  it('keeps the MCP servers’ echoed tokens out of /v1/mcp/servers', async () => {
    const servers = await waitFor(async () => {
      const { text } = await call('/v1/mcp/servers');
      const data = (
        JSON.parse(text) as { data: { name: string; lastError: string }[] }
      ).data;
      const printer = data.find((s) => s.name === 'printer')?.lastError;
      const remote = data.find((s) => s.name === 'remote')?.lastError;
      return printer?.includes('stderr') && remote ? { printer, remote } : null;
    }, 20_000);
    expect(servers.printer).toContain('auth failed with token [REDACTED]');
    expect(servers.remote).toContain('invalid credentials: [REDACTED]');
    // The token did travel: the server saw it and echoed it.
    expect(tokenEcho.authorizations).toContain(
      `Bearer ${SECRETS.httpMcpToken}`,
    );
  });

  it('logs the failed Redis AUTH without its password', async () => {
    const line = await gateway.waitForLog(
      (l) => l.msg === 'the response store (Redis) is unreachable',
      'the Redis warning',
    );
    expect((line.err as Record<string, unknown>).command).toEqual({
      name: 'auth',
      args: ['[REDACTED]'],
    });
  });

  it('redacts an upstream key that the upstream echoes in its errors', async () => {
    const earlier = upstream.chatRequests.length;
    expect((await call('/v1/chat/completions', { body: chat })).status).toBe(
      200,
    );
    upstream.enqueue(
      {
        kind: 'error',
        status: 401,
        body: {
          error: {
            message: `Incorrect API key provided: ${SECRETS.upstreamKey}`,
            type: 'invalid_request_error',
            param: null,
            code: 'invalid_api_key',
          },
        },
      },
      {
        kind: 'error',
        status: 500,
        body: `backend failed for key ${SECRETS.upstreamKey}`,
      },
    );
    const echoed = await call('/v1/chat/completions', { body: chat });
    expect(echoed.status).toBe(401);
    expect(echoed.text).toContain('Incorrect API key provided: [REDACTED]');
    const plain = await call('/v1/responses', {
      body: { model: 'fake-model', input: 'hi', store: false },
    });
    expect(plain.status).toBe(500);
    expect(plain.text).toContain('[REDACTED]');
    // The key did travel: the upstream got it on every call.
    expect(
      upstream.chatRequests.slice(earlier).map((r) => r.headers.authorization),
    ).toEqual(Array(3).fill(`Bearer ${SECRETS.upstreamKey}`));
  });

  it('redacts a hosted MCP server’s echoed token in the response', async () => {
    upstream.enqueue({ kind: 'json', body: completion({ content: 'done' }) });
    const answer = await call('/v1/responses', {
      body: {
        model: 'fake-model',
        input: 'hi',
        store: false,
        tools: [
          {
            type: 'mcp',
            server_label: 'hosted',
            server_url: `${tokenEcho.origin}hosted`,
            authorization: SECRETS.hostedToken,
            require_approval: 'never',
          },
        ],
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('mcp_list_tools');
    expect(answer.text).toContain('invalid credentials: [REDACTED]');
    expect(tokenEcho.authorizations).toContain(`Bearer ${SECRETS.hostedToken}`);
  });

  it('answers a stored response with the store down without a secret', async () => {
    const answer = await call('/v1/responses', {
      body: { model: 'fake-model', input: 'hi' },
    });
    expect(answer.status).toBe(503);
  });

  it('never forwards the client’s x-api-key or cookie on a pass-through', async () => {
    const answer = await call('/v1/echo-stream?count=2&intervalMs=1', {
      headers: { 'x-api-key': SECRETS.clientApiKey, cookie: SECRETS.cookie },
    });
    expect(answer.status).toBe(200);
    const seen = upstream.requests.find((r) =>
      r.url.startsWith('/v1/echo-stream'),
    );
    expect(seen?.headers.authorization).toBe(`Bearer ${SECRETS.upstreamKey}`);
    expect(seen?.headers['x-api-key']).toBeUndefined();
    expect(seen?.headers.cookie).toBeUndefined();
  });

  it('shows no secret in any log line, response body or /metrics', async () => {
    await call('/metrics');
    await call('/v1/mcp/servers');
    // The stdio server's stderr was logged (at debug), redacted.
    expect(
      gateway
        .logLines()
        .some((l) =>
          /stderr: auth failed with token \[REDACTED\]/.test(l.msg ?? ''),
        ),
    ).toBe(true);
    const everything = [gateway.allOutput, ...bodies].join('\n');
    expect(everything.length).toBeGreaterThan(10_000);
    const leaked = Object.entries(SECRETS).filter(([, value]) =>
      everything.includes(value),
    );
    expect(leaked.map(([name]) => name)).toEqual([]);
  });
});
