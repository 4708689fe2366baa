import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startLoggedGateway,
  type LoggedGateway,
} from '../reliability/support/logged-gateway.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { answerText, postMessages } from '../support/messages-http.js';

const MODELS_KEY = 'sk-hardening-models-0001';
const OPEN_KEY = 'sk-hardening-open-0002';
const KEYS_YAML = `keys:
  - { name: models, key: ${MODELS_KEY}, models: ["fake-*"] }
  - { name: open, key: ${OPEN_KEY} }
`;

const body = (model = 'fake-model', extra: Record<string, unknown> = {}) => ({
  model,
  max_tokens: 16,
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

// What a review of the Messages face found, held to: count_tokens checked
// as /v1/messages is, bounded logging of what a body drops, and the model
// list surviving an upstream's odd `created`.
describe('/v1/messages against a hostile or odd world', () => {
  let main: FakeUpstream;
  let odd: Server;
  let gateway: LoggedGateway;
  let dir: string;

  beforeAll(async () => {
    main = await FakeUpstream.start();
    main.setHandler(answerText('ok'));
    // An upstream whose model list has `created` as a date string.
    odd = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          object: 'list',
          data: [{ id: 'odd-model', object: 'model', created: '2024-05-01' }],
        }),
      );
    });
    await new Promise<void>((resolve) =>
      odd.listen(0, '127.0.0.1', () => resolve()),
    );
    const oddPort = (odd.address() as AddressInfo).port;
    dir = await mkdtemp(join(tmpdir(), 'messages-hardening-'));
    await writeFile(join(dir, 'keys.yaml'), KEYS_YAML);
    await writeFile(
      join(dir, 'upstreams.json'),
      JSON.stringify({
        upstreams: {
          cloud: { base_url: main.baseUrl },
          odd: { base_url: `http://127.0.0.1:${oddPort}/v1` },
        },
      }),
    );
    gateway = await startLoggedGateway({
      OPENAI_BASE_URL_INTERNAL: main.baseUrl,
      UPSTREAMS_CONFIG_PATH: join(dir, 'upstreams.json'),
      GATEWAY_KEYS_FILE: join(dir, 'keys.yaml'),
      UPSTREAM_MAX_RETRIES: '0',
      LOG_LEVEL: 'info',
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await main?.close();
    await new Promise((resolve) => odd?.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  const count = (model: string, key: string, prefix = '') =>
    postMessages(
      gateway.url,
      body(model),
      { 'x-api-key': key },
      `${prefix}/v1/messages/count_tokens`,
    );

  it("applies the key's model list to count_tokens as to /v1/messages", async () => {
    const headers = { 'x-api-key': MODELS_KEY };
    const create = await postMessages(gateway.url, body('gpt-secret'), headers);
    const counted = await count('gpt-secret', MODELS_KEY);

    expect([create.status, counted.status]).toEqual([403, 403]);
    expect(await counted.json()).toMatchObject({
      type: 'error',
      error: { type: 'permission_error' },
    });
    expect((await count('fake-model', MODELS_KEY)).status).toBe(200);
  });

  it('answers count_tokens under an unknown /{upstream}/ with 404, as /v1/messages', async () => {
    const create = await postMessages(
      gateway.url,
      body(),
      { 'x-api-key': OPEN_KEY },
      '/nope/v1/messages',
    );
    const counted = await count('fake-model', OPEN_KEY, '/nope');

    expect([create.status, counted.status]).toEqual([404, 404]);
    expect(await counted.json()).toMatchObject({
      error: { type: 'not_found_error' },
    });
    expect((await count('fake-model', OPEN_KEY, '/cloud')).status).toBe(200);
  });

  it('writes a bounded number of log lines for a body full of made-up block types', async () => {
    const before = gateway.lines.length;
    const content = Array.from({ length: 20_000 }, (_, index) => ({
      type: `made-up-${index}-${'y'.repeat(200)}`,
    }));
    const answer = await postMessages(
      gateway.url,
      { ...body(), messages: [{ role: 'user', content }] },
      { 'x-api-key': OPEN_KEY },
      '/v1/messages/count_tokens',
    );

    expect(answer.status).toBe(200);
    const dropped = gateway.lines
      .slice(before)
      .filter((line) => line.includes('dropped'));
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped.length).toBeLessThanOrEqual(8);
    expect(Math.max(...dropped.map((line) => line.length))).toBeLessThan(2_000);
  });

  it("answers a GET, a base URL ending in /v1 and a missing key in Anthropic's shape, saying what to do", async () => {
    const upstreamCalls = main.requests.length;
    const get = await fetch(`${gateway.url}/v1/messages`, {
      headers: { 'x-api-key': OPEN_KEY },
    });
    expect(get.status).toBe(405);
    expect(await get.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: /POST \/v1\/messages/ },
    });
    const doubled = await postMessages(
      gateway.url,
      body(),
      { 'x-api-key': OPEN_KEY },
      '/v1/v1/messages?beta=true',
    );
    expect(doubled.status).toBe(404);
    expect(await doubled.json()).toMatchObject({
      error: { type: 'not_found_error', message: /gateway root, without \/v1/ },
    });
    expect(main.requests).toHaveLength(upstreamCalls);
    const keyless = await postMessages(gateway.url, body());
    expect(keyless.status).toBe(401);
    expect(await keyless.json()).toMatchObject({
      error: { type: 'authentication_error', message: /x-api-key/ },
    });
  });

  it('lists models for an Anthropic client even when an upstream sends a string `created`', async () => {
    const answer = await fetch(`${gateway.url}/v1/models`, {
      headers: { 'x-api-key': OPEN_KEY, 'anthropic-version': '2023-06-01' },
    });
    expect(answer.status).toBe(200);
    const list = (await answer.json()) as {
      data: { id: string; created_at: string }[];
    };
    const oddModel = list.data.find((model) => model.id === 'odd/odd-model');
    expect(oddModel?.created_at).toBe(new Date(0).toISOString());
  });
});

const GATEWAY_KEY = 'sk-hardening-gateway-7781';

// One gateway at a time: the harness keeps a gateway's settings in the
// environment while it runs.
describe('a gateway key sent as x-api-key', () => {
  let upstream: FakeUpstream;
  let keyed: RunningGateway;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    keyed = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      OPENAI_API_KEY: 'sk-upstream-hardening',
      GATEWAY_API_KEYS: GATEWAY_KEY,
      FORWARD_CLIENT_CREDENTIALS: 'x-api-key',
      UPSTREAM_MAX_RETRIES: '0',
    });
  });
  afterAll(async () => {
    await keyed?.close();
    await upstream?.close();
  });

  const embed = (headers: Record<string, string>) =>
    fetch(`${keyed.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model: 'fake-model', input: 'x' }),
    });

  it('is never forwarded, even with FORWARD_CLIENT_CREDENTIALS=x-api-key', async () => {
    const answer = await embed({ 'x-api-key': GATEWAY_KEY });

    expect(answer.status).toBe(200);
    expect(JSON.stringify(upstream.requests.at(-1)?.headers)).not.toContain(
      GATEWAY_KEY,
    );
    // With the gateway key as a Bearer token, x-api-key is the client's own
    // credential and is forwarded as configured.
    await embed({
      authorization: `Bearer ${GATEWAY_KEY}`,
      'x-api-key': 'sk-client-own-credential',
    });
    expect(upstream.requests.at(-1)?.headers['x-api-key']).toBe(
      'sk-client-own-credential',
    );
  });
});

describe("a client's x-api-key with FORWARD_CLIENT_AUTH", () => {
  let upstream: FakeUpstream;
  let forwarding: RunningGateway;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    upstream.setHandler(answerText('ok'));
    forwarding = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      FORWARD_CLIENT_AUTH: 'true',
      UPSTREAM_MAX_RETRIES: '0',
    });
  });
  afterAll(async () => {
    await forwarding?.close();
    await upstream?.close();
  });

  it('goes upstream as its key on /v1/messages and /v1/models', async () => {
    const headers = { 'x-api-key': 'sk-client-own-1' };
    await (await postMessages(forwarding.url, body(), headers)).text();
    await (
      await fetch(`${forwarding.url}/v1/models`, {
        headers: { ...headers, 'anthropic-version': '2023-06-01' },
      })
    ).text();

    const models = upstream.requests.find((request) =>
      request.url.startsWith('/v1/models'),
    );
    expect(upstream.chatRequests[0]?.headers.authorization).toBe(
      'Bearer sk-client-own-1',
    );
    expect(models?.headers.authorization).toBe('Bearer sk-client-own-1');
  });
});
