import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LlmClientService } from '../../src/llm-client/llm-client.service.js';
import { UpstreamRouter } from '../../src/llm-client/upstream-router.service.js';
import { completion } from '../support/chat-chunks.js';
import {
  closedPort,
  expectOpenAiError,
} from '../support/error-expectations.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';

// Two live named upstreams (a, b) and a dead default one on a closed port.
describe('several upstreams behind one gateway', () => {
  let a: FakeUpstream;
  let b: FakeUpstream;
  let gateway: RunningGateway;
  let client: OpenAI;
  let dir: string;

  beforeAll(async () => {
    a = await FakeUpstream.start();
    a.models = ['alpha-1', 'alpha-2'];
    b = await FakeUpstream.start();
    b.models = ['beta-1', 'qwen/qwen3'];
    dir = await mkdtemp(join(tmpdir(), 'routing-'));
    const configPath = join(dir, 'upstreams.json');
    await writeFile(
      configPath,
      JSON.stringify({
        upstreams: {
          a: { base_url: a.baseUrl, models: ['alpha-1', 'alpha-2'] },
          b: {
            base_url: b.baseUrl,
            api_key_env: 'ROUTING_SPEC_B_KEY',
            headers: { 'X-Upstream-Name': 'b' },
            models: '^beta-',
          },
        },
      }),
    );
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: `http://127.0.0.1:${await closedPort()}/v1`,
      OPENAI_API_KEY: 'sk-default-secret',
      UPSTREAMS_CONFIG_PATH: configPath,
      ROUTING_SPEC_B_KEY: 'sk-b-secret',
      MODELS_CACHE_SECONDS: '600',
    });
    client = new OpenAI({
      baseURL: `${gateway.url}/v1`,
      apiKey: 'sk-client',
      maxRetries: 0,
    });
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([a.close(), b.close()]);
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    a.reset();
    b.reset();
  });

  describe('GET /v1/models', () => {
    it('lists both live upstreams as name/model, without the dead one', async () => {
      const models = await client.models.list();
      expect(models.data.map((m) => m.id)).toEqual([
        'a/alpha-1',
        'a/alpha-2',
        'b/beta-1',
        'b/qwen/qwen3',
      ]);
      expect(models.data[0]).toMatchObject({
        object: 'model',
        owned_by: 'fake',
        created: 1_700_000_000,
      });
    });

    it('answers from its cache without asking the upstreams again', async () => {
      await client.models.list();
      a.reset();
      b.reset();
      await client.models.list();
      expect(a.requests).toHaveLength(0);
      expect(b.requests).toHaveLength(0);
    });

    it('returns one model by an id with slashes', async () => {
      const model = await client.models.retrieve('b/qwen/qwen3');
      expect(model).toMatchObject({ id: 'b/qwen/qwen3', owned_by: 'fake' });
    });

    it('answers 404 for an unknown model id', async () => {
      await expectOpenAiError(
        await fetch(`${gateway.url}/v1/models/b/unknown`),
        404,
        { param: 'model', code: 'model_not_found' },
      );
    });
  });

  describe('ANY /{upstream}/v1/*', () => {
    it('forwards to the named upstream with its own key and headers', async () => {
      const response = await fetch(`${gateway.url}/b/v1/embeddings?dims=3`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer sk-client',
        },
        body: JSON.stringify({ model: 'beta-1', input: 'text' }),
      });
      expect(response.status).toBe(200);
      const echoed = (await response.json()) as {
        url: string;
        body: string;
        headers: Record<string, string>;
      };
      expect(echoed.url).toBe('/v1/embeddings?dims=3');
      expect(JSON.parse(echoed.body)).toEqual({
        model: 'beta-1',
        input: 'text',
      });
      expect(echoed.headers.authorization).toBe('Bearer sk-b-secret');
      expect(echoed.headers['x-upstream-name']).toBe('b');
      expect(a.requests).toHaveLength(0);
    });

    it("lists one upstream's own models with their plain ids", async () => {
      const response = await fetch(`${gateway.url}/a/v1/models`);
      const body = (await response.json()) as { data: { id: string }[] };
      expect(body.data.map((m) => m.id)).toEqual(['alpha-1', 'alpha-2']);
      expect(a.requests[0]!.headers.authorization).toBeUndefined();
    });

    it('answers 404 for an upstream name that is not configured', async () => {
      await expectOpenAiError(
        await fetch(`${gateway.url}/nowhere/v1/embeddings`, { method: 'POST' }),
        404,
        { code: 'upstream_not_found' },
      );
    });
  });

  describe('routing a chat completion through the wired services', () => {
    it('sends "b/some-model" to upstream b as "some-model"', async () => {
      const router = gateway.app.get(UpstreamRouter);
      const llm = gateway.app.get(LlmClientService);
      b.enqueue({ kind: 'json', body: completion({ content: 'from b' }) });
      const routed = router.route('b/some-model');
      const result = await llm.createChatCompletion(
        { model: routed.model, messages: [{ role: 'user', content: 'hi' }] },
        { target: routed.target },
      );
      expect(result.choices[0]!.message.content).toBe('from b');
      expect(b.chatRequests).toHaveLength(1);
      expect(b.chatRequests[0]!.body.model).toBe('some-model');
      expect(b.chatRequests[0]!.headers.authorization).toBe(
        'Bearer sk-b-secret',
      );
      expect(a.chatRequests).toHaveLength(0);
    });

    it('sends a model that a listed pattern claims to its upstream', () => {
      const router = gateway.app.get(UpstreamRouter);
      expect(router.route('beta-7').target.name).toBe('b');
      expect(router.route('alpha-2').target.name).toBe('a');
      expect(router.route('other').target.name).toBe('default');
    });
  });
});

describe('a bad upstreams file', () => {
  /** The start error; the harness leaves `env` set when the start fails, so restore it. */
  async function startFailure(env: Record<string, string>): Promise<unknown> {
    const previous = Object.keys(env).map((key) => [key, process.env[key]]);
    try {
      const gateway = await startGateway(env);
      await gateway.close();
      return undefined;
    } catch (error) {
      return error;
    } finally {
      for (const [key, value] of previous) {
        if (value === undefined) {
          delete process.env[key!];
        } else {
          process.env[key!] = value;
        }
      }
    }
  }

  it('fails the start naming the upstream and the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'routing-bad-'));
    try {
      const configPath = join(dir, 'upstreams.json');
      await writeFile(
        configPath,
        JSON.stringify({ upstreams: { lmstudio: { base_url: 'nope' } } }),
      );
      expect(
        String(await startFailure({ UPSTREAMS_CONFIG_PATH: configPath })),
      ).toContain('upstreams.lmstudio.base_url');
      expect(
        String(await startFailure({ UPSTREAM_FALLBACK: 'nowhere' })),
      ).toContain(
        "UPSTREAM_FALLBACK: names no configured upstream ('nowhere')",
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
