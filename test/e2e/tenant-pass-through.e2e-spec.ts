import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postHead, SlowClient } from '../reliability/support/slow-client.js';
import { expectOpenAiError } from '../support/error-expectations.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { waitUntil } from '../support/wait-until.js';

const MODELS_KEY = 'sk-models-0001';
const PATHS_KEY = 'sk-paths-0002';
const OPEN_KEY = 'sk-open-0003';

// models: the default upstream's `fake-*` and `text-emb-*` models only;
// paths: embeddings and audio only, any model; open: everything.
const KEYS_YAML = `keys:
  - { name: models, key: ${MODELS_KEY}, models: ["fake-*", "text-emb-*"] }
  - { name: paths, key: ${PATHS_KEY}, pass_through: [embeddings, "audio/*"] }
  - { name: open, key: ${OPEN_KEY} }
`;

/** Writes the keys file and the upstreams file (`fake-cloud`) into a new directory. */
async function configFiles(
  cloud: FakeUpstream,
): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tenant-pass-through-'));
  const keys = join(dir, 'keys.yaml');
  const upstreams = join(dir, 'upstreams.json');
  await writeFile(keys, KEYS_YAML);
  await writeFile(
    upstreams,
    JSON.stringify({
      upstreams: { 'fake-cloud': { base_url: cloud.baseUrl } },
    }),
  );
  return {
    dir,
    env: { UPSTREAMS_CONFIG_PATH: upstreams, GATEWAY_KEYS_FILE: keys },
  };
}

/**
 * The pass-through for keys with lists, on real sockets: a key's model
 * list cannot be slipped past with a body the gateway cannot read, a
 * `name/` prefix of another upstream, or by reaching that upstream's
 * objects; `pass_through` keeps a key to the paths it names; and bodies
 * read for their model count against the memory budget.
 */
describe('pass-through access of keys with lists', () => {
  let main: FakeUpstream;
  let cloud: FakeUpstream;
  let gateway: RunningGateway;
  let dir: string;

  beforeAll(async () => {
    [main, cloud] = await Promise.all([
      FakeUpstream.start(),
      FakeUpstream.start(),
    ]);
    cloud.models = ['gpt-expensive'];
    const config = await configFiles(cloud);
    dir = config.dir;
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: main.baseUrl,
      ...config.env,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([main?.close(), cloud?.close()]);
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    main.reset();
    cloud.reset();
  });

  const send = (
    path: string,
    apiKey: string,
    body?: string | Buffer,
    headers: Record<string, string> = { 'content-type': 'application/json' },
  ) =>
    fetch(`${gateway.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${apiKey}`, ...headers },
      ...(body === undefined ? {} : { body }),
    });
  const upstreamCalls = (): number =>
    main.requests.length + cloud.requests.length;

  describe('a model list', () => {
    it('does not let a default-model pattern reach another upstream by its name/ prefix', async () => {
      const client = new OpenAI({
        baseURL: `${gateway.url}/v1`,
        apiKey: MODELS_KEY,
        maxRetries: 0,
      });
      await expect(
        client.chat.completions.create({
          model: 'fake-cloud/gpt-expensive',
          messages: [{ role: 'user', content: 'hi' }],
        }),
      ).rejects.toMatchObject({ status: 403, code: 'model_not_allowed' });
      expect(upstreamCalls()).toBe(0);
      const ids = (await client.models.list()).data.map((m) => m.id);
      expect(ids).toEqual(['fake-model', 'fake-model-2']);
    });

    it('refuses a body it cannot read, instead of forwarding it unchecked', async () => {
      const json = '{"model":"gpt-4o","input":"x"}';
      const refusals: Array<[string | Buffer, Record<string, string>, number]> =
        [
          [
            gzipSync(json),
            { 'content-type': 'application/json', 'content-encoding': 'gzip' },
            415,
          ],
          [
            Buffer.from(json, 'utf16le'),
            { 'content-type': 'application/json' },
            400,
          ],
          [
            '{"model":"text-emb-3","model":"gpt-4o"}',
            { 'content-type': 'application/json' },
            400,
          ],
          ['{"model":"gpt-4o",}', { 'content-type': 'application/json' }, 400],
          // Read as gpt-4o by Go's encoding/json, python-multipart.
          [
            '{"model":"text-emb-3","MODEL":"gpt-4o"}',
            { 'content-type': 'application/json' },
            400,
          ],
          [
            'input=x;model=gpt-4o',
            { 'content-type': 'application/x-www-form-urlencoded' },
            400,
          ],
          [
            '--b\r\nContent-Disposition: form-data;\n name="model"\r\n\r\ngpt-4o\r\n--b--\r\n',
            { 'content-type': 'multipart/form-data; boundary=b' },
            400,
          ],
        ];
      for (const [body, headers, status] of refusals) {
        await expectOpenAiError(
          await send('/v1/embeddings', MODELS_KEY, body, headers),
          status,
        );
      }
      // Read after a BOM: a model the key may not use is refused…
      await expectOpenAiError(
        await send('/v1/embeddings', MODELS_KEY, `\uFEFF${json}`),
        403,
        { code: 'model_not_allowed' },
      );
      expect(upstreamCalls()).toBe(0);
      // …and one it may use goes on as the same bytes.
      const allowed = `\uFEFF{"model":"text-emb-3","input":"x"}`;
      const response = await send('/v1/embeddings', MODELS_KEY, allowed);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { body: string }).body).toBe(allowed);
    });

    it('checks the multipart part named exactly model, and refuses two', async () => {
      const form = (...parts: Array<[string, string]>) => {
        const body = new FormData();
        for (const [name, value] of parts) {
          body.append(name, value);
        }
        return new Request('http://x', { method: 'POST', body });
      };
      const post = async (request: Request) =>
        send(
          '/v1/audio/transcriptions',
          MODELS_KEY,
          Buffer.from(await request.arrayBuffer()),
          { 'content-type': request.headers.get('content-type')! },
        );
      await expectOpenAiError(
        await post(form(['Model', 'text-emb-3'], ['model', 'whisper-1'])),
        403,
        { code: 'model_not_allowed' },
      );
      await expectOpenAiError(
        await post(form(['model', 'text-emb-3'], ['model', 'whisper-1'])),
        400,
        { code: 'duplicate_model', param: 'model' },
      );
      expect(upstreamCalls()).toBe(0);
      expect(
        (await post(form(['Model', 'x'], ['model', 'text-emb-3']))).status,
      ).toBe(200);
    });
  });

  describe('a pass_through list', () => {
    it('answers 403 path_not_allowed for a path it does not name, on every upstream', async () => {
      for (const path of [
        '/v1/files',
        '/v1/batches/batch_1',
        '/v1/vector_stores',
        '/fake-cloud/v1/files',
        '/fake-cloud/v1/models',
        '/v1/audio/../files',
        '/v1/audio/%2e%2e/batches',
      ]) {
        await expectOpenAiError(await send(path, PATHS_KEY), 403, {
          type: 'invalid_request_error',
          code: 'path_not_allowed',
        });
      }
      // With a body, unread: the connection stays usable for the next request.
      await expectOpenAiError(
        await send('/v1/files', PATHS_KEY, 'x'.repeat(200_000), {
          'content-type': 'application/octet-stream',
        }),
        403,
        { code: 'path_not_allowed' },
      );
      expect(upstreamCalls()).toBe(0);
    });

    it('forwards the paths it names, with any model, and leaves other keys alone', async () => {
      const body = '{"model":"anything","input":"x"}';
      expect((await send('/v1/embeddings', PATHS_KEY, body)).status).toBe(200);
      expect(
        (await send('/fake-cloud/v1/audio/speech', PATHS_KEY, body)).status,
      ).toBe(200);
      expect((await send('/v1/files', OPEN_KEY)).status).toBe(200);
      expect(main.requests.map((r) => r.url)).toEqual([
        '/v1/embeddings',
        '/v1/files',
      ]);
      expect(cloud.requests.map((r) => r.url)).toEqual(['/v1/audio/speech']);
    });
  });
});

describe('pass-through bodies read for their model', () => {
  const BUDGET = 64 * 1024;
  const LARGE = 40 * 1024;
  let main: FakeUpstream;
  let cloud: FakeUpstream;
  let gateway: RunningGateway;
  let dir: string;

  beforeAll(async () => {
    [main, cloud] = await Promise.all([
      FakeUpstream.start(),
      FakeUpstream.start(),
    ]);
    const config = await configFiles(cloud);
    dir = config.dir;
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: main.baseUrl,
      MAX_INFLIGHT_BODY_BYTES: String(BUDGET),
      ...config.env,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([main?.close(), cloud?.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  /** An embeddings body of `bytes` bytes with an allowed model. */
  const embeddings = (bytes: number): string => {
    const head = '{"model":"text-emb-3","input":"';
    return `${head}${'a'.repeat(bytes - head.length - 2)}"}`;
  };
  const post = (apiKey: string, body: string) =>
    fetch(`${gateway.url}/v1/embeddings`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
      },
      body,
    });

  /** A client of the model-listed key holding a LARGE declared body, once admitted. */
  const admittedSlowClient = async (): Promise<SlowClient> => {
    const server = gateway.app.getHttpServer();
    const arrived = new Promise<void>((resolve) => {
      const onRequest = (request: IncomingMessage) => {
        if (request.headers['x-test-client'] === 'slow') {
          server.off('request', onRequest);
          setImmediate(resolve);
        }
      };
      server.on('request', onRequest);
    });
    const slow = SlowClient.open(
      Number(new URL(gateway.url).port),
      postHead('/v1/embeddings', LARGE, {
        Authorization: `Bearer ${MODELS_KEY}`,
        'X-Test-Client': 'slow',
      }) + '{"model":',
    );
    await arrived;
    return slow;
  };

  it('count against the memory budget: 503 server_overloaded when it is full', async () => {
    const slow = await admittedSlowClient();
    try {
      const refused = await post(MODELS_KEY, embeddings(LARGE));
      await expectOpenAiError(refused, 503, { code: 'server_overloaded' });
      expect(refused.headers.get('retry-after')).toBe('5');
      // A key without a model list streams its body unread, uncounted.
      expect((await post(OPEN_KEY, embeddings(LARGE))).status).toBe(200);
    } finally {
      slow.destroy();
    }
    await waitUntil(
      async () => (await post(MODELS_KEY, embeddings(LARGE))).status === 200,
      () => 'the disconnected request to release its body',
    );
  });
});
