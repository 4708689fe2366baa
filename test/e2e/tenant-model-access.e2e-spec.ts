import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectOpenAiError } from '../support/error-expectations.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { ResponsesSocket } from '../support/responses-socket.js';

const KEY_A = 'sk-team-a-0001';
const KEY_B = 'sk-team-b-0002';

// team-a: every default `fake-*` model and all of upstream `paid`;
// team-b: one default model, one model of `paid`, and embeddings.
const KEYS_YAML = `keys:
  - { name: team-a, key: ${KEY_A}, models: ["fake-*", "paid/*"] }
  - { name: team-b, key: ${KEY_B}, models: [fake-model, paid/paid-1, "text-emb-*"] }
`;

const MODEL_NOT_ALLOWED = {
  type: 'invalid_request_error',
  code: 'model_not_allowed',
  param: 'model',
};

/**
 * Per-key model access (GATEWAY_KEYS_FILE `models`), through the official
 * client on real sockets: a model the key may not use is a 403 before any
 * upstream call on every model endpoint, and the model lists show only
 * what the key may use.
 */
describe('per-key model access', () => {
  let main: FakeUpstream;
  let paid: FakeUpstream;
  let gateway: RunningGateway;
  let dir: string;

  beforeAll(async () => {
    [main, paid] = await Promise.all([
      FakeUpstream.start(),
      FakeUpstream.start(),
    ]);
    paid.models = ['paid-1', 'paid-2'];
    dir = await mkdtemp(join(tmpdir(), 'tenant-models-'));
    const keys = join(dir, 'keys.yaml');
    const upstreams = join(dir, 'upstreams.json');
    await writeFile(keys, KEYS_YAML);
    await writeFile(
      upstreams,
      JSON.stringify({ upstreams: { paid: { base_url: paid.baseUrl } } }),
    );
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: main.baseUrl,
      UPSTREAMS_CONFIG_PATH: upstreams,
      GATEWAY_KEYS_FILE: keys,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([main?.close(), paid?.close()]);
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    main.reset();
    paid.reset();
  });

  const client = (apiKey: string, prefix = ''): OpenAI =>
    new OpenAI({
      baseURL: `${gateway.url}${prefix}/v1`,
      apiKey,
      maxRetries: 0,
    });
  const post = (path: string, apiKey: string, body: unknown) =>
    fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
  const get = (path: string, apiKey: string) =>
    fetch(`${gateway.url}${path}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
  const upstreamPosts = (): number =>
    [...main.requests, ...paid.requests].filter((r) => r.method === 'POST')
      .length;

  /** The SDK's error of a refused call, checked for OpenAI's 403 shape. */
  async function expectForbidden(call: Promise<unknown>): Promise<void> {
    const error = await call.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(error).toMatchObject({ status: 403, ...MODEL_NOT_ALLOWED });
  }

  describe('the model lists', () => {
    it('lists only the models each key may use', async () => {
      const ids = async (apiKey: string) =>
        (await client(apiKey).models.list()).data.map((m) => m.id);
      expect(await ids(KEY_A)).toEqual([
        'fake-model',
        'fake-model-2',
        'paid/paid-1',
        'paid/paid-2',
      ]);
      expect(await ids(KEY_B)).toEqual(['fake-model', 'paid/paid-1']);
    });

    it('answers 404 for one model the key may not use', async () => {
      expect((await client(KEY_B).models.retrieve('paid/paid-1')).id).toBe(
        'paid/paid-1',
      );
      await expect(
        client(KEY_B).models.retrieve('fake-model-2'),
      ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
      expect((await client(KEY_A).models.retrieve('fake-model-2')).id).toBe(
        'fake-model-2',
      );
    });

    it("filters an upstream's own list under /{upstream}/v1/models", async () => {
      const ids = async (apiKey: string) =>
        (await client(apiKey, '/paid').models.list()).data.map((m) => m.id);
      expect(await ids(KEY_A)).toEqual(['paid-1', 'paid-2']);
      expect(await ids(KEY_B)).toEqual(['paid-1']);
      await expectOpenAiError(await get('/paid/v1/models/paid-2', KEY_B), 404, {
        code: 'model_not_found',
      });
    });
  });

  describe('a model the key may not use', () => {
    it.each([false, true])(
      'is a 403 on /v1/chat/completions (stream: %s)',
      async (stream) => {
        await expectForbidden(
          client(KEY_B).chat.completions.create({
            model: 'fake-model-2',
            messages: [{ role: 'user', content: 'hi' }],
            stream,
          }),
        );
        expect(upstreamPosts()).toBe(0);
      },
    );

    it.each([false, true])(
      'is a 403 on /v1/responses (stream: %s)',
      async (stream) => {
        await expectForbidden(
          client(KEY_B).responses.create({
            model: 'fake-model-2',
            input: 'hi',
            stream,
          }),
        );
        expect(upstreamPosts()).toBe(0);
      },
    );

    it('is a 403 on /v1/responses/compact', async () => {
      await expectForbidden(
        client(KEY_B).responses.compact({
          model: 'fake-model-2',
          input: 'hi',
        }),
      );
      expect(upstreamPosts()).toBe(0);
    });

    it('is a 403 on the /{upstream}/v1/... routes, for the model on that upstream', async () => {
      const onPaid = client(KEY_B, '/paid');
      await expectForbidden(
        onPaid.chat.completions.create({
          model: 'paid-2',
          messages: [{ role: 'user', content: 'hi' }],
        }),
      );
      await expectForbidden(
        onPaid.responses.create({ model: 'paid-2', input: 'hi' }),
      );
      // `fake-model` is allowed on the default upstream, not on `paid`.
      await expectForbidden(
        onPaid.chat.completions.create({
          model: 'fake-model',
          messages: [{ role: 'user', content: 'hi' }],
        }),
      );
      expect(upstreamPosts()).toBe(0);
    });

    it('is an error event with status 403 on the Responses WebSocket', async () => {
      const socket = await ResponsesSocket.open(gateway.url, {
        authorization: `Bearer ${KEY_B}`,
      });
      try {
        const refused = await socket.turn({
          model: 'fake-model-2',
          input: 'hi',
        });
        expect(refused).toEqual([
          expect.objectContaining({
            type: 'error',
            status: 403,
            error: expect.objectContaining(MODEL_NOT_ALLOWED),
          }),
        ]);
        // The socket stays usable for an allowed model.
        const allowed = await socket.turn({ model: 'fake-model', input: 'hi' });
        expect(allowed.at(-1)?.type).toBe('response.completed');
      } finally {
        await socket.close();
      }
      expect(main.chatRequests).toHaveLength(1);
    });

    it("is a 403 on the pass-through's JSON endpoints", async () => {
      const refusals = [
        ['/v1/embeddings', { model: 'fake-model-2', input: 'x' }],
        ['/v1/completions', { model: 'gpt-3.5-turbo-instruct', prompt: 'x' }],
        ['/paid/v1/embeddings', { model: 'text-emb-3', input: 'x' }],
      ] as const;
      for (const [path, body] of refusals) {
        await expectOpenAiError(
          await post(path, KEY_B, body),
          403,
          MODEL_NOT_ALLOWED,
        );
      }
      expect(upstreamPosts()).toBe(0);
    });
  });

  describe('an allowed model', () => {
    it('answers on every route as before', async () => {
      const chat = await client(KEY_B).chat.completions.create({
        model: 'fake-model',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(chat.choices[0]?.message.content).toBe('echo: hi');
      await client(KEY_B).chat.completions.create({
        model: 'paid/paid-1',
        messages: [{ role: 'user', content: 'hi' }],
      });
      await client(KEY_B, '/paid').responses.create({
        model: 'paid-1',
        input: 'hi',
      });
      expect(paid.chatRequests.map((r) => r.body.model)).toEqual([
        'paid-1',
        'paid-1',
      ]);
      const second = await client(KEY_A).responses.create({
        model: 'fake-model-2',
        input: 'hi',
      });
      expect(second.status).toBe('completed');
    });

    it('reaches the pass-through with its body unchanged', async () => {
      const body = { model: 'text-emb-3', input: 'héllo' };
      const response = await post('/v1/embeddings', KEY_B, body);
      expect(response.status).toBe(200);
      const echoed = (await response.json()) as { url: string; body: string };
      expect(echoed.url).toBe('/v1/embeddings');
      expect(echoed.body).toBe(JSON.stringify(body));
    });
  });
});
