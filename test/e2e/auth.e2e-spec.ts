import 'reflect-metadata';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppModule } from '../../src/app.module.js';
import {
  configureApp,
  createFastifyAdapter,
  GATEWAY_APP_OPTIONS,
} from '../../src/app.setup.js';
import { createLogger } from '../../src/common/logging/create-logger.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';

const UPSTREAM_KEY = 'sk-upstream-secret-7f3a';
const LISTED_KEY = 'gw-listed-key-1';
const FILE_KEY = 'gw-file-key-2';
const ORIGIN = 'https://app.example.com';
const MODEL = 'fake-model';

describe('inbound auth and CORS on', () => {
  let upstream: FakeUpstream;
  let gateway: CapturedGateway;
  let dir: string;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    dir = await mkdtemp(join(tmpdir(), 'gateway-keys-'));
    const keyFile = join(dir, 'keys.txt');
    await writeFile(keyFile, `# rotated 2026-11\n\n  ${FILE_KEY}  \n`);
    gateway = await startCapturedGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      OPENAI_API_KEY: UPSTREAM_KEY,
      GATEWAY_API_KEYS: `${LISTED_KEY}, other-key`,
      GATEWAY_API_KEYS_FILE: keyFile,
      CORS_ORIGINS: `${ORIGIN}, https://admin.example.com`,
      UPSTREAM_MAX_RETRIES: '0',
    });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
    // Nothing the gateway logged during the whole file holds a key.
    const logs = gateway.logs();
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [UPSTREAM_KEY, LISTED_KEY, FILE_KEY]) {
      expect(logs).not.toContain(secret);
    }
  });
  beforeEach(() => upstream.reset());

  const client = (apiKey: string): OpenAI =>
    new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });

  it('serves the openai client with a listed key: responses, chat and a proxied call', async () => {
    const sut = client(LISTED_KEY);
    const response = await sut.responses.create({ model: MODEL, input: 'hi' });
    expect(response.output_text).toBe('echo: hi');
    const chat = await sut.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'yo' }],
    });
    expect(chat.choices[0]!.message.content).toBe('echo: yo');
    const embeddings = (await sut.embeddings.create({
      model: 'embed',
      input: 'x',
      encoding_format: 'float',
    })) as unknown as { echo: boolean; url: string };
    expect(embeddings).toMatchObject({ echo: true, url: '/v1/embeddings' });
    // Upstream calls carry the upstream key, never the gateway key.
    expect(upstream.requests).toHaveLength(3);
    for (const seen of upstream.requests) {
      expect(seen.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
      expect(JSON.stringify(seen.headers)).not.toContain(LISTED_KEY);
    }
  });

  it("accepts the key as x-api-key (Anthropic's clients) on any route", async () => {
    const answer = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': LISTED_KEY },
      body: JSON.stringify({
        model: MODEL,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });

    expect(answer.status).toBe(200);
    // The gateway's key never goes upstream: the upstream's own key does.
    const sent = upstream.requests.at(-1)?.headers;
    expect(sent?.['x-api-key']).toBeUndefined();
    expect(sent?.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
  });

  it('accepts a key from GATEWAY_API_KEYS_FILE', async () => {
    const stream = await client(FILE_KEY).chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'streamed' }],
      stream: true,
    });
    let text = '';
    for await (const part of stream) {
      text += part.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe('echo: streamed');
  });

  it.each([
    ['a wrong key', 'gw-listed-key-', 'Incorrect API key provided.'],
    ['a key with a suffix', `${LISTED_KEY}x`, 'Incorrect API key provided.'],
  ])(
    'answers %s with the OpenAI 401 and never reaches the upstream',
    async (_case, key, message) => {
      const sut = client(key);
      const calls = [
        sut.responses.create({ model: MODEL, input: 'hi' }),
        sut.chat.completions.create({
          model: MODEL,
          messages: [{ role: 'user', content: 'hi' }],
        }),
        sut.embeddings.create({ model: 'e', input: 'x' }),
      ];
      // Every rejection gets its handler at once: the three calls run
      // together, and one that fails before the loop reaches it would
      // otherwise be an unhandled rejection for a moment.
      const errors = await Promise.all(
        calls.map((call) =>
          call.then(
            () => undefined,
            (e: unknown) => e,
          ),
        ),
      );
      for (const error of errors) {
        expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
        const auth = error as InstanceType<typeof OpenAI.AuthenticationError>;
        expect(auth.status).toBe(401);
        expect(auth.error).toEqual({
          message,
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        });
        expect(auth.headers.get('www-authenticate')).toBe('Bearer');
      }
      expect(upstream.requests).toEqual([]);
    },
  );

  it.each([
    ['no Authorization header', {}],
    ['a Basic header', { authorization: `Basic ${LISTED_KEY}` }],
    ['the key without Bearer', { authorization: LISTED_KEY }],
    ['a wrong key as x-api-key', { 'x-api-key': 'gw-not-a-key' }],
    ['an Azure-style api-key header', { 'api-key': LISTED_KEY }],
  ])(
    'answers %s with 401 on own routes, the pass-through and unknown paths',
    async (_case, headers: Record<string, string>) => {
      for (const [method, path] of [
        ['POST', '/v1/chat/completions'],
        ['POST', '/v1/embeddings'],
        ['GET', '/v1/files'],
        ['GET', '/'],
        ['GET', '/v1/mcp/servers'],
        ['GET', '/no/such/route'],
        ['GET', '/health/../v1/models'],
      ] as const) {
        const answer = await fetch(`${gateway.url}${path}`, {
          method,
          headers: { 'content-type': 'application/json', ...headers },
          body: method === 'POST' ? '{"model":"m","messages":[]}' : undefined,
        });
        expect(answer.status, `${method} ${path}`).toBe(401);
        expect(answer.headers.get('www-authenticate')).toBe('Bearer');
        const body = (await answer.json()) as { error: { code: string } };
        expect(body.error.code).toBe('invalid_api_key');
      }
      expect(upstream.requests).toEqual([]);
    },
  );

  it('leaves /health, /ready and /metrics open', async () => {
    for (const path of ['/health', '/ready', '/metrics', '/health?x=1']) {
      const answer = await fetch(`${gateway.url}${path}`);
      expect(answer.status, path).toBe(200);
    }
  });

  it('answers a CORS preflight without a key, reflecting the SDK headers', async () => {
    const answer = await fetch(`${gateway.url}/v1/responses`, {
      method: 'OPTIONS',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers':
          'authorization,content-type,openai-beta,x-stainless-os,x-stainless-retry-count',
      },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(answer.headers.get('access-control-allow-methods')).toContain(
      'DELETE',
    );
    expect(answer.headers.get('access-control-allow-headers')).toBe(
      'authorization,content-type,openai-beta,x-stainless-os,x-stainless-retry-count',
    );
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    expect(upstream.requests).toEqual([]);
  });

  it('allows listed origins only, on answers and on 401s', async () => {
    const allowed = await fetch(`${gateway.url}/v1/models`, {
      headers: { origin: ORIGIN, authorization: `Bearer ${LISTED_KEY}` },
    });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(allowed.headers.get('access-control-expose-headers')).toBe(
      'x-request-id',
    );
    const rejected = await fetch(`${gateway.url}/v1/models`, {
      headers: { origin: ORIGIN },
    });
    expect(rejected.status).toBe(401);
    expect(rejected.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const denied = await fetch(`${gateway.url}/v1/models`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example.com',
        'access-control-request-method': 'GET',
      },
    });
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('streams with the CORS headers kept on the hijacked reply', async () => {
    const answer = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        origin: ORIGIN,
        authorization: `Bearer ${LISTED_KEY}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model: MODEL,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(answer.headers.get('content-type')).toContain('text/event-stream');
    expect(answer.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const text = await answer.text();
    expect(text).toContain('data: [DONE]');
    expect(text).not.toContain(UPSTREAM_KEY);
  });

  it('never echoes a key in an error answer', async () => {
    upstream.enqueue({
      kind: 'error',
      status: 500,
      body: 'upstream broke',
    });
    const answer = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${LISTED_KEY}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ model: MODEL, messages: [] }),
    });
    expect(answer.status).toBe(500);
    const text = await answer.text();
    for (const secret of [UPSTREAM_KEY, LISTED_KEY, FILE_KEY]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('inbound auth and CORS off (the default)', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
    });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('serves any key, or none', async () => {
    const sut = new OpenAI({
      baseURL: `${gateway.url}/v1`,
      apiKey: 'anything',
      maxRetries: 0,
    });
    const response = await sut.responses.create({ model: MODEL, input: 'hi' });
    expect(response.output_text).toBe('echo: hi');
    const bare = await fetch(`${gateway.url}/v1/models`);
    expect(bare.status).toBe(200);
  });

  it('sends no CORS headers', async () => {
    const answer = await fetch(`${gateway.url}/v1/models`, {
      headers: { origin: ORIGIN },
    });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });
});

interface CapturedGateway {
  url: string;
  app: NestFastifyApplication;
  /** Every log line written so far, joined. */
  logs(): string;
  close(): Promise<void>;
}

/**
 * startGateway with the logger writing, at debug level, into memory rather
 * than being silenced, so the test can read every line.
 */
async function startCapturedGateway(
  env: Record<string, string>,
): Promise<CapturedGateway> {
  const previous = new Map<string, string | undefined>();
  // No upstream health probe (see startGateway): the specs count upstream calls.
  const settings = { UPSTREAM_PROBE_INTERVAL: '0', ...env };
  for (const [key, value] of Object.entries(settings)) {
    previous.set(key, process.env[key]);
    process.env[key] = value;
  }
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger('debug', destination);
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    createFastifyAdapter(logger),
    GATEWAY_APP_OPTIONS,
  );
  configureApp(app, logger);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl())
    .replace('[::1]', '127.0.0.1')
    .replace('localhost', '127.0.0.1');
  return {
    url,
    app,
    logs: () => lines.join(''),
    close: async () => {
      await app.close();
      for (const [key, value] of previous) {
        if (value === undefined) {
          delete process.env[key];
        } else {
          process.env[key] = value;
        }
      }
    },
  };
}
