import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/metrics/prometheus-text.test-support.js';
import { textStream } from '../support/chat-chunks.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import { ResponsesSocket } from '../support/responses-socket.js';
import { waitUntil } from '../support/wait-until.js';
import {
  startLoggedGateway,
  type LoggedGateway,
} from '../reliability/support/logged-gateway.js';

const SEARCH_KEY = 'sk-team-search-5521';
const BATCH_KEY = 'sk-team-batch-8830';
const LEGACY_KEY = 'sk-legacy-unnamed-1177';

const keysFile = (entries: string[]): string =>
  `keys:\n${entries.join('\n')}\n`;
const SEARCH_ENTRY = `  - { name: team-search, key: ${SEARCH_KEY}, metadata: { team: search } }`;
const BATCH_ENTRY = `  - { name: team-batch, key: ${BATCH_KEY} }`;

type Line = Record<string, unknown>;

/**
 * Named keys from GATEWAY_KEYS_FILE beside GATEWAY_API_KEYS: who called is
 * on every log line, the access line and the metrics (never the key), and
 * the file is reloaded while the gateway runs.
 */
describe('named keys (GATEWAY_KEYS_FILE)', () => {
  let upstream: FakeUpstream;
  let gateway: LoggedGateway;
  let dir: string;
  let path: string;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    dir = await mkdtemp(join(tmpdir(), 'tenant-keys-'));
    path = join(dir, 'keys.yaml');
    await writeFile(path, keysFile([SEARCH_ENTRY, BATCH_ENTRY]));
    gateway = await startLoggedGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      GATEWAY_API_KEYS: LEGACY_KEY,
      GATEWAY_KEYS_FILE: path,
    });
  }, 60_000);

  afterAll(async () => {
    await gateway.close();
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  const client = (apiKey: string): OpenAI =>
    new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });

  const linesOf = (reqId: string): Line[] =>
    gateway.lines
      .map((line) => JSON.parse(line) as Line)
      .filter((line) => line['reqId'] === reqId);

  it("names the caller's key on every line of its request and in the metrics, never the key", async () => {
    const metricsBefore = await metrics();
    const answer = await client(SEARCH_KEY)
      .chat.completions.create({
        model: 'fake-model',
        messages: [{ role: 'user', content: 'hi' }],
      })
      .withResponse();
    const reqId = answer.response.headers.get('x-request-id')!;
    await waitUntil(
      () => linesOf(reqId).some((line) => line['msg'] === 'request'),
      () => 'the access line was written',
    );
    const lines = linesOf(reqId);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) {
      expect(line['tenant']).toBe('team-search');
    }
    const access = lines.find((line) => line['msg'] === 'request')!;
    expect(access['tenant_metadata']).toEqual({ team: 'search' });
    expect(gateway.lines.join('')).not.toContain(SEARCH_KEY);
    const after = await metrics();
    const labels = { route: '/v1/chat/completions', tenant: 'team-search' };
    expect(after.delta(metricsBefore, 'gateway_requests_total', labels)).toBe(
      1,
    );
    expect(
      after.delta(metricsBefore, 'gateway_tokens_total', {
        tenant: 'team-search',
        direction: 'output',
      }),
    ).toBe(20);
    expect(await metricsText()).not.toContain(SEARCH_KEY);
  });

  it('labels a key of GATEWAY_API_KEYS as unnamed', async () => {
    const answer = await client(LEGACY_KEY).models.list().withResponse();
    const reqId = answer.response.headers.get('x-request-id')!;
    await waitUntil(
      () => linesOf(reqId).some((line) => line['msg'] === 'request'),
      () => 'the access line was written',
    );
    expect(linesOf(reqId).every((line) => line['tenant'] === 'unnamed')).toBe(
      true,
    );
  });

  it('refuses a key removed from the file while a stream it started finishes', async () => {
    upstream.enqueue({
      kind: 'stream',
      chunks: textStream(['one ', 'two ', 'three']),
      pauseBefore: { index: 2, ms: 4_000 },
    });
    const stream = await client(BATCH_KEY).chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
    });
    const text = (async () => {
      let all = '';
      for await (const part of stream) {
        all += part.choices[0]?.delta.content ?? '';
      }
      return all;
    })();
    await writeFile(path, keysFile([SEARCH_ENTRY]));
    await waitUntil(
      async () => (await statusWith(BATCH_KEY)) === 401,
      () => 'the removed key is refused',
      5_000,
    );
    expect(await statusWith(SEARCH_KEY)).toBe(200);
    expect(await statusWith(LEGACY_KEY)).toBe(200);
    expect(await text).toBe('one two three');
  });

  it('ends the open WebSocket of a removed key at its next turn', async () => {
    await writeFile(path, keysFile([SEARCH_ENTRY, BATCH_ENTRY]));
    await waitUntil(
      async () => (await statusWith(BATCH_KEY)) === 200,
      () => 'the key added back is let in',
      5_000,
    );
    const socket = await ResponsesSocket.open(gateway.url, {
      authorization: `Bearer ${BATCH_KEY}`,
    });
    const closed = once(socket.socket, 'close');
    const first = await socket.turn({ model: 'fake-model', input: 'one' });
    expect(first.at(-1)!.type).toBe('response.completed');
    await writeFile(path, keysFile([SEARCH_ENTRY]));
    await waitUntil(
      async () => (await statusWith(BATCH_KEY)) === 401,
      () => 'the removed key is refused',
      5_000,
    );
    const upstreamCalls = upstream.chatRequests.length;
    const second = await socket.turn({ model: 'fake-model', input: 'two' });
    expect(second).toEqual([
      expect.objectContaining({
        type: 'error',
        status: 401,
        error: expect.objectContaining({ code: 'invalid_api_key' }),
      }),
    ]);
    const [code] = (await closed) as [number];
    expect(code).toBe(1008);
    expect(upstream.chatRequests.length).toBe(upstreamCalls);
    await writeFile(path, keysFile([SEARCH_ENTRY, BATCH_ENTRY]));
    await waitUntil(
      async () => (await statusWith(BATCH_KEY)) === 200,
      () => 'the key added back is let in',
      5_000,
    );
  });

  it('keeps the keys in use when the file becomes invalid, and says so', async () => {
    await writeFile(path, 'keys: [{ name: team-search }]');
    await waitUntil(
      () => gateway.lines.some((line) => line.includes('do not load')),
      () => 'the broken file is logged',
      5_000,
    );
    expect(await statusWith(SEARCH_KEY)).toBe(200);
    await writeFile(path, keysFile([SEARCH_ENTRY, BATCH_ENTRY]));
    await waitUntil(
      async () => (await statusWith(BATCH_KEY)) === 200,
      () => 'the key added back is let in',
      5_000,
    );
  });

  async function statusWith(key: string): Promise<number> {
    const answer = await fetch(`${gateway.url}/v1/models`, {
      headers: { authorization: `Bearer ${key}` },
    });
    await answer.arrayBuffer();
    return answer.status;
  }

  async function metricsText(): Promise<string> {
    return (await fetch(`${gateway.url}/metrics`)).text();
  }

  async function metrics(): Promise<Metrics> {
    return new Metrics(await metricsText());
  }
});
