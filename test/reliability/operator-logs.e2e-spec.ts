import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolCallStream } from '../support/chat-chunks.js';
import { closedPort } from '../support/error-expectations.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import { waitUntil } from '../support/wait-until.js';
import {
  startLoggedGateway,
  type LoggedGateway,
} from './support/logged-gateway.js';

type Line = Record<string, unknown> & { level: string; msg?: string };

const UPSTREAM_KEY = 'sk-upstream-secret-4411';
const NAMED_KEY = 'sk-named-secret-7733';
const CLIENT_KEY = 'sk-client-secret-9922';
const MCP_TOKEN = 'mcp-query-token-5566';
const MCP_PASSWORD = 'mcp-password-1188';
/** Levels an operator sees at the default LOG_LEVEL (info). */
const AT_INFO = new Set(['info', 'warn', 'error', 'fatal']);

const parse = (lines: readonly string[]): Line[] =>
  lines.map((line) => JSON.parse(line) as Line);

/**
 * What an operator reads at start: a short start-up, the configuration in
 * effect without a secret, a warning for a misspelt setting, the probe of
 * each upstream and an unreachable MCP server named by its URL.
 */
describe('start-up logs', () => {
  let upstream: FakeUpstream;
  let gateway: LoggedGateway;
  let dir: string;
  let mcpPort: number;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    dir = await mkdtemp(join(tmpdir(), 'operator-logs-'));
    mcpPort = await closedPort();
    const upstreamsPath = join(dir, 'upstreams.json');
    await writeFile(
      upstreamsPath,
      JSON.stringify({
        upstreams: {
          named: { base_url: upstream.baseUrl, api_key_env: 'OPS_NAMED_KEY' },
        },
      }),
    );
    const mcpPath = join(dir, 'mcp.json');
    await writeFile(
      mcpPath,
      JSON.stringify({
        mcpServers: {
          remote: {
            url: `http://ops:${MCP_PASSWORD}@127.0.0.1:${mcpPort}/mcp?token=${MCP_TOKEN}`,
          },
        },
      }),
    );
    gateway = await startLoggedGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      OPENAI_API_KEY: UPSTREAM_KEY,
      OPS_NAMED_KEY: NAMED_KEY,
      GATEWAY_API_KEYS: CLIENT_KEY,
      UPSTREAMS_CONFIG_PATH: upstreamsPath,
      MCP_SERVERS_CONFIG_PATH: mcpPath,
      UPSTREAM_PROBE_INTERVAL: '30',
      // A typo: without the warning it would silently mean the default URL.
      OPENAI_BASE_URL_INTERNEL: 'http://127.0.0.1:1/v1',
    });
    // The probes and the first MCP connect run in the background.
    await waitUntil(
      () =>
        gateway.lines.some((l) => l.includes('upstreams probed')) &&
        gateway.lines.some((l) => l.includes('could not be reached')),
      () => `start-up lines:\n${gateway.lines.join('')}`,
      10_000,
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes at most 15 lines at info, route mappings at debug', () => {
    const lines = parse(gateway.lines);
    const atInfo = lines.filter((line) => AT_INFO.has(line.level));
    expect(atInfo.length).toBeLessThanOrEqual(15);
    // The detail is still there one level down.
    expect(
      lines.some((l) => l.level === 'debug' && /Mapped \{/.test(l.msg ?? '')),
    ).toBe(true);
  });

  it('logs the effective configuration, without a secret', () => {
    const line = parse(gateway.lines).find(
      (l) => l.msg === 'effective configuration',
    );
    expect(line).toMatchObject({
      level: 'info',
      upstreams: [
        { name: 'default', url: upstream.baseUrl, authenticated: true },
        { name: 'named', url: upstream.baseUrl, authenticated: true },
      ],
      mcpServers: [
        { name: 'remote', endpoint: `http://127.0.0.1:${mcpPort}/mcp` },
      ],
      store: { kind: 'memory' },
      inboundAuth: 'on',
    });
    const all = gateway.lines.join('');
    for (const secret of [
      UPSTREAM_KEY,
      NAMED_KEY,
      CLIENT_KEY,
      MCP_TOKEN,
      MCP_PASSWORD,
    ]) {
      expect(all).not.toContain(secret);
    }
  });

  it('warns about a misspelt setting, naming the one it probably means', () => {
    const warning = parse(gateway.lines).find(
      (l) => l.name === 'OPENAI_BASE_URL_INTERNEL',
    );
    expect(warning).toMatchObject({
      level: 'warn',
      suggestion: 'OPENAI_BASE_URL_INTERNAL',
    });
    expect(warning?.msg).toContain('did you mean OPENAI_BASE_URL_INTERNAL?');
  });

  it("logs each upstream's effective URL and its probe result", () => {
    const line = parse(gateway.lines).find((l) => l.msg === 'upstreams probed');
    expect(line?.upstreams).toEqual([
      { name: 'default', url: upstream.baseUrl, state: 'up', status: 200 },
      { name: 'named', url: upstream.baseUrl, state: 'up', status: 200 },
    ]);
  });

  it("names an unreachable MCP server's URL, without its credentials", () => {
    const line = parse(gateway.lines).find((l) =>
      (l.msg ?? '').includes('could not be reached'),
    );
    expect(line?.level).toBe('warn');
    expect(line?.msg).toContain(`(http://127.0.0.1:${mcpPort}/mcp)`);
  });
});

/** What an operator reads while the gateway serves. */
describe('serving logs', () => {
  let upstream: FakeUpstream;
  let gateway: LoggedGateway;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    gateway = await startLoggedGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  /** POSTs `body` with request id `id`; returns the lines written meanwhile. */
  async function serve(path: string, body: unknown, id: string) {
    const from = gateway.lines.length;
    const answer = await fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': id },
      body: JSON.stringify(body),
    });
    await answer.text();
    // The access line is written when the response has ended.
    await waitUntil(
      () => gateway.lines.slice(from).some((l) => l.includes('"request"')),
      () => `an access line for ${id}`,
    );
    return { status: answer.status, lines: parse(gateway.lines.slice(from)) };
  }

  it('writes one access line at info, with route, status, upstream, model and request id', async () => {
    const { lines } = await serve(
      '/v1/chat/completions',
      { model: 'fake-model', messages: [{ role: 'user', content: 'hi' }] },
      'ops-access-1',
    );
    const access = lines.filter((l) => l.msg === 'request');
    expect(access).toEqual([
      expect.objectContaining({
        level: 'info',
        reqId: 'ops-access-1',
        method: 'POST',
        route: '/v1/chat/completions',
        status: 200,
        upstream: 'default',
        model: 'fake-model',
        ms: expect.any(Number),
      }),
    ]);
  });

  it('puts the request id on every line written while serving, failures included', async () => {
    upstream.enqueue({ kind: 'error', status: 500, body: 'upstream broke' });
    const { status, lines } = await serve(
      '/v1/responses',
      { model: 'fake-model', input: 'hi' },
      'ops-every-line-2',
    );
    expect(status).toBeGreaterThanOrEqual(500);
    // The model-call summary (a Nest Logger), the error line and the access line.
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.filter((l) => l.reqId !== 'ops-every-line-2')).toEqual([]);
    expect(lines.some((l) => l.level === 'error')).toBe(true);
  });

  it('writes one model-call summary line for a streamed call', async () => {
    upstream.enqueue({
      kind: 'stream',
      chunks: toolCallStream([{ name: 'lookup', arguments: '{"q":"x"}' }]),
    });
    const { lines } = await serve(
      '/v1/chat/completions',
      {
        model: 'fake-model',
        stream: true,
        messages: [{ role: 'user', content: 'look it up' }],
        tools: [
          {
            type: 'function',
            function: { name: 'lookup', parameters: { type: 'object' } },
          },
        ],
      },
      'ops-summary-3',
    );
    const summaries = lines.filter((l) => l.msg === 'model call');
    expect(summaries).toEqual([
      expect.objectContaining({
        level: 'info',
        reqId: 'ops-summary-3',
        upstream: 'default',
        model: 'fake-model',
        outcome: 'ok',
        ttftMs: expect.any(Number),
        ms: expect.any(Number),
        tokensIn: 10,
        tokensOut: 20,
        finishReason: 'tool_calls',
        toolCalls: 1,
      }),
    ]);
    // The stream's access line is written once the stream ended.
    const access = lines.find((l) => l.msg === 'request');
    expect(access).toMatchObject({ status: 200, reqId: 'ops-summary-3' });
    expect(lines.indexOf(access!)).toBeGreaterThan(
      lines.indexOf(summaries[0]!),
    );
  });

  it('writes probe requests (/health) at debug, not info', async () => {
    const from = gateway.lines.length;
    await (await fetch(`${gateway.url}/health`)).text();
    await waitUntil(
      () => gateway.lines.slice(from).some((l) => l.includes('"request"')),
      () => 'the /health access line',
    );
    const access = parse(gateway.lines.slice(from)).find(
      (l) => l.msg === 'request',
    );
    expect(access).toMatchObject({ level: 'debug', route: '/health' });
  });
});
