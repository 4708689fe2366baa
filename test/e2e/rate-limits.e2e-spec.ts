import { writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/metrics/prometheus-text.test-support.js';
import { chunk, completion, usageChunk } from '../support/chat-chunks.js';
import { expectOpenAiError } from '../support/error-expectations.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { callsReply, textReply } from '../support/mcp-loop-support.js';
import {
  nodeServer,
  TempDir,
  TEST_SERVER_BIN,
  waitFor,
} from '../support/mcp-servers.js';
import { waitUntil } from '../support/wait-until.js';

const RPM_KEY = 'sk-team-rpm-0001';
const FREE_KEY = 'sk-team-free-0002';
const CHAT_TPM_KEY = 'sk-team-chat-tpm-0003';
const STREAM_TPM_KEY = 'sk-team-stream-tpm-0004';
const REFUND_KEY = 'sk-team-refund-0005';
const LOOP_KEY = 'sk-team-loop-0006';
const UPGRADE_RPM_KEY = 'sk-team-upgrade-rpm-0007';

const KEYS_FILE = `keys:
  - { name: team-rpm, key: ${RPM_KEY}, requests_per_minute: 5 }
  - { name: team-free, key: ${FREE_KEY} }
  - { name: team-chat-tpm, key: ${CHAT_TPM_KEY}, tokens_per_minute: 100 }
  - { name: team-stream-tpm, key: ${STREAM_TPM_KEY}, tokens_per_minute: 100 }
  - { name: team-refund, key: ${REFUND_KEY}, tokens_per_minute: 1000, tokens_per_day: 5000 }
  - { name: team-loop, key: ${LOOP_KEY}, tokens_per_minute: 1000 }
  - { name: team-upgrade-rpm, key: ${UPGRADE_RPM_KEY}, requests_per_minute: 2 }
`;

/** OpenAI's duration format of the reset headers (`1s`, `59.75s`, `120ms`, `1m0s`). */
const DURATION = /^(\d+h)?(\d+m)?(\d+(\.\d+)?s|\d+ms)$/;

/** The token estimate of a body sent as `text`, with `cap` output tokens. */
const estimateOf = (text: string, cap: number): number =>
  Math.ceil(Buffer.byteLength(text) / 4) + cap;

/**
 * Per-key limits of the keys file, in memory (one gateway, real sockets,
 * a scripted upstream that reports usage): requests per minute, tokens
 * per minute reserved on estimate and settled from the upstream's usage
 * (chat, streamed Responses, an MCP tool loop's several calls), and the
 * headers every answer of a limited key carries.
 */
describe('per-key rate and token limits', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;
  let dir: TempDir;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    dir = await TempDir.create();
    const keysFile = join(dir.path, 'keys.yaml');
    await writeFile(keysFile, KEYS_FILE);
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      GATEWAY_KEYS_FILE: keysFile,
      MCP_SERVERS_CONFIG_PATH: await dir.writeConfig({
        test: nodeServer(TEST_SERVER_BIN),
      }),
    });
    await waitFor(
      async () => {
        const servers = (await (
          await get('/v1/mcp/servers', FREE_KEY)
        ).json()) as { data: { connected: boolean }[] };
        return servers.data.every((server) => server.connected);
      },
      20_000,
      'the MCP server connected',
    );
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    await dir?.remove();
  });
  beforeEach(() => upstream.reset());

  function get(path: string, key: string): Promise<Response> {
    return fetch(`${gateway.url}${path}`, {
      headers: { authorization: `Bearer ${key}` },
    });
  }

  function post(path: string, key: string, text: string): Promise<Response> {
    return fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
      },
      body: text,
    });
  }

  /**
   * A request with headers fetch may not set (`upgrade`, `connection`):
   * its status and its remaining requests header.
   */
  function rawRequest(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    text = '',
  ): Promise<{ status: number; remaining: string | undefined }> {
    return new Promise((resolve, reject) => {
      const sent = httpRequest(
        `${gateway.url}${path}`,
        {
          method,
          agent: false,
          headers: {
            authorization: `Bearer ${UPGRADE_RPM_KEY}`,
            ...(text ? { 'content-type': 'application/json' } : {}),
            'content-length': String(Buffer.byteLength(text)),
            ...headers,
          },
        },
        (answer) => {
          answer.resume().once('end', () =>
            resolve({
              status: answer.statusCode ?? 0,
              remaining: answer.headers['x-ratelimit-remaining-requests'] as
                string | undefined,
            }),
          );
        },
      );
      sent.once('error', reject).end(text);
    });
  }

  const rateLimitHeaders = (answer: Response): Record<string, string> =>
    Object.fromEntries(
      [...answer.headers].filter(([name]) => name.startsWith('x-ratelimit-')),
    );

  async function metrics(): Promise<Metrics> {
    return new Metrics(await (await fetch(`${gateway.url}/metrics`)).text());
  }

  it('admits exactly requests_per_minute requests on any route, then answers 429 with the headers', async () => {
    const chat = JSON.stringify({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const answers = [
      await get('/v1/models', RPM_KEY),
      await post('/v1/chat/completions', RPM_KEY, chat),
      await post('/v1/embeddings', RPM_KEY, '{"model":"e","input":"x"}'),
      await get('/v1/responses/resp_missing', RPM_KEY),
      await post('/v1/chat/completions', RPM_KEY, chat),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 404, 200]);
    answers.forEach((answer, index) => {
      expect(answer.headers.get('x-ratelimit-limit-requests')).toBe('5');
      expect(answer.headers.get('x-ratelimit-remaining-requests')).toBe(
        String(4 - index),
      );
      expect(answer.headers.get('x-ratelimit-reset-requests')).toMatch(
        DURATION,
      );
      // The key limits requests only: no token headers.
      expect(answer.headers.get('x-ratelimit-limit-tokens')).toBeNull();
    });
    const refused = await post('/v1/chat/completions', RPM_KEY, chat);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(rateLimitHeaders(refused)).toMatchObject({
      'x-ratelimit-limit-requests': '5',
      'x-ratelimit-remaining-requests': '0',
    });
    const error = await expectOpenAiError(refused, 429, {
      type: 'requests',
      code: 'rate_limit_exceeded',
      param: null,
    });
    expect(error.message).toMatch(
      /^Rate limit reached for requests per minute \(RPM\): Limit 5, Used 5, Requested 1\. Please try again in /,
    );
    // The refused request never reached the upstream.
    expect(upstream.chatRequests).toHaveLength(2);
    expect(
      (await metrics()).value('gateway_rate_limited_total', {
        tenant: 'team-rpm',
        kind: 'requests_per_minute',
      }),
    ).toBe(1);
  });

  it('counts a request that asks for a WebSocket without being an upgrade: a POST, or a GET without Connection: upgrade', async () => {
    const notAnUpgrade = { upgrade: 'websocket', connection: 'keep-alive' };
    const create = JSON.stringify({ model: 'fake-model', input: 'hi' });
    const first = await rawRequest(
      'POST',
      '/v1/responses',
      notAnUpgrade,
      create,
    );
    expect(first).toEqual({ status: 200, remaining: '1' });
    const plainGet = await rawRequest('GET', '/v1/responses', notAnUpgrade);
    expect(plainGet).toEqual({ status: 426, remaining: '0' });
    const third = await rawRequest(
      'POST',
      '/v1/responses',
      notAnUpgrade,
      create,
    );
    expect(third.status).toBe(429);
    expect(upstream.chatRequests).toHaveLength(1);
  });

  it('never limits a key without limits, and sends it no rate limit headers', async () => {
    for (let i = 0; i < 12; i++) {
      const answer = await get('/v1/models', FREE_KEY);
      expect(answer.status).toBe(200);
      expect(rateLimitHeaders(answer)).toEqual({});
    }
  });

  it('settles chat tokens from the upstream usage: refused once the real usage, not the estimate, used the minute up', async () => {
    const text = JSON.stringify({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 1,
    });
    const estimate = estimateOf(text, 1);
    // On estimates alone, three requests would fit.
    expect(3 * estimate).toBeLessThanOrEqual(100);
    const reply = {
      kind: 'json' as const,
      body: {
        ...completion({ content: 'ok' }),
        usage: { prompt_tokens: 40, completion_tokens: 5, total_tokens: 45 },
      },
    };
    upstream.enqueue(reply, reply, reply);
    const first = await post('/v1/chat/completions', CHAT_TPM_KEY, text);
    expect(first.status).toBe(200);
    expect(rateLimitHeaders(first)).toMatchObject({
      'x-ratelimit-limit-tokens': '100',
      'x-ratelimit-remaining-tokens': String(100 - estimate),
    });
    const second = await post('/v1/chat/completions', CHAT_TPM_KEY, text);
    expect(second.status).toBe(200);
    expect(second.headers.get('x-ratelimit-remaining-tokens')).toBe(
      String(100 - 45 - estimate),
    );
    const third = await post('/v1/chat/completions', CHAT_TPM_KEY, text);
    expect(third.headers.get('x-ratelimit-remaining-tokens')).toBe('10');
    const error = await expectOpenAiError(third, 429, {
      type: 'tokens',
      code: 'rate_limit_exceeded',
    });
    expect(error.message).toContain(
      `tokens per minute (TPM): Limit 100, Used 90, Requested ${estimate}.`,
    );
    expect(upstream.chatRequests).toHaveLength(2);
  });

  it('settles a streamed response from the usage chunk, and streams the headers', async () => {
    const text = JSON.stringify({
      model: 'fake-model',
      input: 'hi',
      stream: true,
      max_output_tokens: 16,
    });
    const estimate = estimateOf(text, 16);
    expect(2 * estimate).toBeLessThanOrEqual(100);
    upstream.enqueue({
      kind: 'stream',
      chunks: [
        chunk({ role: 'assistant', content: '' }),
        chunk({ content: 'hello' }),
        chunk({}, 'stop'),
        usageChunk(50, 20),
      ],
    });
    const first = await post('/v1/responses', STREAM_TPM_KEY, text);
    expect(first.headers.get('content-type')).toContain('text/event-stream');
    expect(first.headers.get('x-ratelimit-remaining-tokens')).toBe(
      String(100 - estimate),
    );
    expect(await first.text()).toContain('response.completed');
    const second = await post('/v1/responses', STREAM_TPM_KEY, text);
    await expectOpenAiError(second, 429, { type: 'tokens' });
    expect(second.headers.get('x-ratelimit-remaining-tokens')).toBe('30');
    expect(upstream.chatRequests).toHaveLength(1);
  });

  it('gives the estimate back when the request calls no model', async () => {
    const invalid = JSON.stringify({ model: 'fake-model', input: 42 });
    const refused = await post('/v1/responses', REFUND_KEY, invalid);
    expect(refused.status).toBe(400);
    expect(refused.headers.get('x-ratelimit-remaining-tokens')).toBe(
      String(1000 - estimateOf(invalid, 256)),
    );
    await waitUntil(
      async () =>
        (await get('/v1/models', REFUND_KEY)).headers.get(
          'x-ratelimit-remaining-tokens',
        ) === '1000',
      () => 'the estimate given back',
    );
    const state = rateLimitHeaders(await get('/v1/models', REFUND_KEY));
    expect(state).toMatchObject({
      'x-ratelimit-limit-tokens-day': '5000',
      'x-ratelimit-remaining-tokens-day': '5000',
    });
    expect(upstream.chatRequests).toHaveLength(0);
  });

  it.each([false, true])(
    'settles every model call of an MCP tool loop (stream: %s)',
    async (stream) => {
      // Each upstream turn reports 30 tokens (chat-chunks.ts).
      upstream.enqueue(
        callsReply(stream, [
          { id: 'call_echo', name: 'echo', arguments: '{"text":"x"}' },
        ]),
        textReply(stream, 'Done.'),
      );
      const before = Number(
        (await get('/v1/models', LOOP_KEY)).headers.get(
          'x-ratelimit-remaining-tokens',
        ),
      );
      const answer = await post(
        '/v1/responses',
        LOOP_KEY,
        JSON.stringify({ model: 'fake-model', input: 'echo x', stream }),
      );
      expect(answer.status).toBe(200);
      const body = await answer.text();
      expect(body).toContain('mcp_call');
      expect(upstream.chatRequests).toHaveLength(2);
      const after = (await get('/v1/models', LOOP_KEY)).headers.get(
        'x-ratelimit-remaining-tokens',
      );
      expect(Number(after)).toBe(before - 60);
    },
  );
});
