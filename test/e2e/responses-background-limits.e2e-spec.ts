import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusal } from '../support/api-refusal.js';
import { chunk, usageChunk } from '../support/chat-chunks.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { TempDir } from '../support/mcp-servers.js';
import { ResponsesSocket } from '../support/responses-socket.js';
import { waitUntil } from '../support/wait-until.js';

const TPM_KEY = 'sk-background-tpm-0001';
const CAPPED_KEY = 'sk-background-capped-0002';
const KEYS_FILE = `keys:
  - { name: background-tpm, key: ${TPM_KEY}, tokens_per_minute: 1000 }
  - { name: background-capped, key: ${CAPPED_KEY} }
`;

/** The token estimate of a body sent as `text`, with `cap` output tokens. */
const estimateOf = (text: string, cap: number): number =>
  Math.ceil(Buffer.byteLength(text) / 4) + cap;

/**
 * Background responses and the bounds around them: a key's token limit is
 * settled from the detached run's usage, BACKGROUND_MAX_RUNS_PER_KEY
 * refuses one run too many (429), and a WebSocket turn refuses `background`.
 */
describe('background responses: limits', () => {
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
      BACKGROUND_MAX_RUNS_PER_KEY: '1',
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    await dir?.remove();
  });

  const clientFor = (apiKey: string): OpenAI =>
    new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });

  const post = (key: string, text: string): Promise<Response> =>
    fetch(`${gateway.url}/v1/responses`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
      },
      body: text,
    });

  it("settles the key's tokens from the run's usage, after its request ended", async () => {
    const text = JSON.stringify({
      model: 'fake-model',
      input: 'hi',
      background: true,
      max_output_tokens: 16,
    });
    const estimate = estimateOf(text, 16);
    upstream.enqueue({
      kind: 'stream',
      chunks: [
        chunk({ role: 'assistant', content: '' }),
        chunk({ content: 'hello' }),
        chunk({}, 'stop'),
        usageChunk(300, 100),
      ],
    });
    const first = await post(TPM_KEY, text);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-remaining-tokens')).toBe(
      String(1000 - estimate),
    );
    const { id } = (await first.json()) as { id: string };
    const client = clientFor(TPM_KEY);
    await waitUntil(
      async () => (await client.responses.retrieve(id)).status === 'completed',
      () => `response ${id} did not complete`,
    );
    // The run's 400 tokens replaced the estimate.
    upstream.enqueue({
      kind: 'stream',
      chunks: [chunk({ content: 'ok' }), chunk({}, 'stop'), usageChunk(1, 1)],
    });
    const second = await post(TPM_KEY, text);
    expect(second.headers.get('x-ratelimit-remaining-tokens')).toBe(
      String(1000 - 400 - estimate),
    );
  });

  it('refuses a second concurrent run of a key over BACKGROUND_MAX_RUNS_PER_KEY (429)', async () => {
    upstream.enqueue({
      kind: 'stream',
      chunks: [chunk({ role: 'assistant', content: '' })],
      stallAfter: 1,
    });
    const client = clientFor(CAPPED_KEY);
    const running = await client.responses.create({
      model: 'fake-model',
      input: 'hi',
      background: true,
    });
    expect(
      await refusal(
        client.responses.create({
          model: 'fake-model',
          input: 'again',
          background: true,
        }),
      ),
    ).toMatchObject({
      status: 429,
      error: { code: 'rate_limit_exceeded', type: 'requests' },
    });
    // Another key is not held back by this one's runs.
    upstream.enqueue({
      kind: 'stream',
      chunks: [chunk({ content: 'ok' }), chunk({}, 'stop')],
    });
    await expect(
      clientFor(TPM_KEY).responses.create({
        model: 'fake-model',
        input: 'hi',
        background: true,
      }),
    ).resolves.toMatchObject({ status: 'queued' });
    await client.responses.cancel(running.id);
  });

  it('refuses background on a WebSocket turn with an error event', async () => {
    const socket = await ResponsesSocket.open(gateway.url, {
      authorization: `Bearer ${CAPPED_KEY}`,
    });
    const events = await socket.turn({
      model: 'fake-model',
      input: 'hi',
      background: true,
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'error',
      status: 400,
      error: { param: 'background', code: 'unsupported_parameter' },
    });
    await socket.close();
  });
});
