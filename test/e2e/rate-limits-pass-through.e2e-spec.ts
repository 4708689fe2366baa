import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOpenAiError } from '../support/error-expectations.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { TempDir } from '../support/mcp-servers.js';
import { waitUntil } from '../support/wait-until.js';
import { postHead, SlowClient } from '../reliability/support/slow-client.js';

const KEYS = {
  json: 'sk-team-pt-json-0201',
  gzip: 'sk-team-pt-gzip-0202',
  stream: 'sk-team-pt-stream-0203',
  other: 'sk-team-pt-other-0204',
  small: 'sk-team-pt-small-0205',
  budget: 'sk-team-pt-budget-0206',
  models: 'sk-team-pt-models-0207',
  both: 'sk-team-pt-both-0208',
};

/** MAX_INFLIGHT_BODY_BYTES of the gateway: small, so one large body fills it. */
const BUDGET = 64 * 1024;

const KEYS_FILE = `keys:
  - { name: pt-json, key: ${KEYS.json}, tokens_per_minute: 1000, tokens_per_day: 5000 }
  - { name: pt-gzip, key: ${KEYS.gzip}, tokens_per_minute: 1000 }
  - { name: pt-stream, key: ${KEYS.stream}, tokens_per_minute: 1000 }
  - { name: pt-other, key: ${KEYS.other}, tokens_per_minute: 1000 }
  - { name: pt-small, key: ${KEYS.small}, tokens_per_minute: 100 }
  - { name: pt-budget, key: ${KEYS.budget}, tokens_per_minute: 100000 }
  - { name: pt-models, key: ${KEYS.models}, models: ["e"] }
  - { name: pt-both, key: ${KEYS.both}, models: ["e"], tokens_per_minute: 100000 }
`;

/** The usage every JSON answer of the upstream below reports. */
const USED = 12;

/** An upstream of pass-through endpoints: JSON with usage (gzipped when asked), SSE, and an echo. */
function answer(request: IncomingMessage, response: ServerResponse): void {
  const url = request.url ?? '';
  if (url.startsWith('/v1/embeddings')) {
    const json = Buffer.from(
      JSON.stringify({
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [0.5] }],
        model: 'e',
        usage: { prompt_tokens: USED, total_tokens: USED },
      }),
    );
    const gzip = /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
    response
      .writeHead(200, {
        'content-type': 'application/json',
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      })
      .end(gzip ? gzipSync(json) : json);
  } else if (url.startsWith('/v1/completions')) {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.end(
      `data: ${JSON.stringify({ choices: [{ text: 'x' }], usage: { total_tokens: USED } })}\n\ndata: [DONE]\n\n`,
    );
  } else {
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end('{"echo":true}');
  }
}

/**
 * Token limits on the pass-through (`/v1/*`): a JSON body naming a model
 * reserves its estimate; a JSON answer's usage replaces it, a streamed one
 * keeps it, and an answer of the gateway's own gives it back.
 */
describe('per-key token limits on the pass-through', () => {
  let upstream: Server;
  let gateway: RunningGateway;
  let dir: TempDir;
  let upstreamCalls = 0;
  const upstreamBodies: Buffer[] = [];

  beforeAll(async () => {
    upstream = createServer((request, response) => {
      upstreamCalls++;
      const parts: Buffer[] = [];
      request.on('data', (part: Buffer) => parts.push(part));
      request.once('end', () => {
        upstreamBodies.push(Buffer.concat(parts));
        answer(request, response);
      });
    });
    await new Promise<void>((resolve) =>
      upstream.listen(0, '127.0.0.1', resolve),
    );
    const { port } = upstream.address() as { port: number };
    dir = await TempDir.create();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: `http://127.0.0.1:${port}/v1`,
      GATEWAY_KEYS_FILE: await dir.write('keys.yaml', KEYS_FILE),
      MAX_INFLIGHT_BODY_BYTES: String(BUDGET),
    });
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
    upstream?.closeAllConnections();
    await new Promise((resolve) => upstream?.close(resolve));
    await dir?.remove();
  });

  function post(
    path: string,
    key: string,
    text: string | Buffer,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        'accept-encoding': 'identity',
        ...headers,
      },
      body: text,
    });
  }

  async function remaining(key: string, suffix = 'tokens'): Promise<number> {
    const answer = await fetch(`${gateway.url}/v1/models`, {
      headers: { authorization: `Bearer ${key}` },
    });
    return Number(answer.headers.get(`x-ratelimit-remaining-${suffix}`));
  }

  const estimateOf = (text: string): number =>
    Math.ceil(Buffer.byteLength(text) / 4) + 256;

  const EMBEDDING = JSON.stringify({ model: 'e', input: 'hello there' });

  it("reserves a JSON body's estimate and settles from the answer's usage", async () => {
    const answer = await post('/v1/embeddings', KEYS.json, EMBEDDING);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-ratelimit-remaining-tokens')).toBe(
      String(1000 - estimateOf(EMBEDDING)),
    );
    expect(await answer.json()).toMatchObject({ usage: { total_tokens: 12 } });
    await waitUntil(
      async () => (await remaining(KEYS.json)) === 1000 - USED,
      () => 'the usage replaced the estimate',
    );
    expect(await remaining(KEYS.json, 'tokens-day')).toBe(5000 - USED);
  });

  it('settles from a gzipped answer, passed on compressed', async () => {
    const answer = await post('/v1/embeddings', KEYS.gzip, EMBEDDING, {
      'accept-encoding': 'gzip',
    });
    expect(answer.headers.get('content-encoding')).toBe('gzip');
    expect(await answer.json()).toMatchObject({ model: 'e' });
    await waitUntil(
      async () => (await remaining(KEYS.gzip)) === 1000 - USED,
      () => 'the usage replaced the estimate',
    );
  });

  it('keeps the estimate of a streamed answer', async () => {
    const text = JSON.stringify({ model: 'c', prompt: 'x', stream: true });
    const answer = await post('/v1/completions', KEYS.stream, text);
    expect(await answer.text()).toContain('[DONE]');
    expect(await remaining(KEYS.stream)).toBe(1000 - estimateOf(text));
  });

  it('keeps the estimate of a body that names no model when its answer reports no usage, and gives back the estimate of an answer of its own', async () => {
    const files = '{"purpose":"x"}';
    const answer = await post('/v1/files', KEYS.other, files);
    expect(await answer.json()).toEqual({ echo: true });
    expect(await remaining(KEYS.other)).toBe(1000 - estimateOf(files));
    const calls = upstreamCalls;
    const missing = await post('/nowhere/v1/embeddings', KEYS.other, EMBEDDING);
    await expectOpenAiError(missing, 404, { code: 'upstream_not_found' });
    expect(upstreamCalls).toBe(calls);
    await waitUntil(
      async () => (await remaining(KEYS.other)) === 1000 - estimateOf(files),
      () => 'the estimate given back',
    );
  });

  it.each([
    ['a UTF-8 BOM', Buffer.from(`\ufeff${EMBEDDING}`)],
    ['no model', JSON.stringify({ input: 'hello there' })],
    ['a null model', JSON.stringify({ model: null, input: 'hello there' })],
    ['UTF-16', Buffer.from(`\ufeff${EMBEDDING}`, 'utf16le')],
    ['a body that is not JSON', `${EMBEDDING.slice(1)}`],
  ])(
    'reserves the estimate of a body with %s: refused before any upstream call',
    async (_name, body) => {
      const calls = upstreamCalls;
      const refused = await post('/v1/embeddings', KEYS.small, body);
      const error = await expectOpenAiError(refused, 429, {
        type: 'tokens',
        code: 'rate_limit_exceeded',
      });
      const estimate = Math.ceil(Buffer.byteLength(body) / 4) + 256;
      expect(error.message).toContain(`Limit 100, Requested ${estimate}.`);
      expect(upstreamCalls).toBe(calls);
    },
  );

  it('reads the output cap of a body behind a BOM', async () => {
    const body = Buffer.from(
      `\ufeff${JSON.stringify({ model: 'e', input: 'x', max_tokens: 5 })}`,
    );
    const answer = await post('/v1/embeddings', KEYS.small, body);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-ratelimit-remaining-tokens')).toBe(
      String(100 - (Math.ceil(body.length / 4) + 5)),
    );
  });

  it('counts a body the token limits read whole against the memory budget', async () => {
    const large = (bytes: number): string => {
      const head = '{"model":"e","input":"';
      return head + 'a'.repeat(bytes - head.length - 2) + '"}';
    };
    const server = gateway.app.getHttpServer();
    const arrived = new Promise<void>((resolve) => {
      const onRequest = (request: IncomingMessage) => {
        if (request.headers['x-test-client'] === 'slow') {
          server.off('request', onRequest);
          resolve();
        }
      };
      server.on('request', onRequest);
    });
    // A key with token limits only: its body is read whole, not streamed.
    const slow = SlowClient.open(
      Number(new URL(gateway.url).port),
      postHead('/v1/embeddings', 60 * 1024, {
        Authorization: `Bearer ${KEYS.budget}`,
        'X-Test-Client': 'slow',
      }) + '{"model":',
    );
    try {
      await arrived;
      // Its hooks, the budget's included, run before the next turn.
      await nextTurn();
      const refused = await post('/v1/embeddings', KEYS.models, large(40_000));
      await expectOpenAiError(refused, 503, { code: 'server_overloaded' });
    } finally {
      slow.destroy();
    }
    await waitUntil(
      async () =>
        (await post('/v1/embeddings', KEYS.models, large(40_000))).status ===
        200,
      () => 'the disconnected request to release its body',
    );
  });

  it('forwards a body read by both the token limits and the model check as it came', async () => {
    const body = Buffer.from(`\ufeff${EMBEDDING}`);
    const answer = await post('/v1/embeddings', KEYS.both, body);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-ratelimit-remaining-tokens')).toBe(
      String(100000 - (Math.ceil(body.length / 4) + 256)),
    );
    expect(upstreamBodies.at(-1)).toEqual(body);
  });

  it('refuses with a 429 before any upstream call when the estimate does not fit', async () => {
    const calls = upstreamCalls;
    const refused = await post('/v1/embeddings', KEYS.small, EMBEDDING);
    const error = await expectOpenAiError(refused, 429, {
      type: 'tokens',
      code: 'rate_limit_exceeded',
    });
    expect(error.message).toContain(
      `Request too large for tokens per minute (TPM): Limit 100, Requested ${estimateOf(EMBEDDING)}.`,
    );
    expect(upstreamCalls).toBe(calls);
  });
});
