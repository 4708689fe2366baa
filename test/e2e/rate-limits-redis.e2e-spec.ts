import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/metrics/prometheus-text.test-support.js';
import { ensureBuilt, ROOT } from '../support/built-app.js';
import { expectOpenAiError } from '../support/error-expectations.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import { freePort } from '../support/mcp-servers.js';
import { startRedisServer, type TestRedis } from '../support/redis-server.js';
import { waitUntil } from '../support/wait-until.js';

const SHARED_KEY = 'sk-team-shared-0001';
const OUTAGE_KEY = 'sk-team-outage-0002';

const KEYS_FILE = `keys:
  - { name: team-shared, key: ${SHARED_KEY}, requests_per_minute: 10 }
  - { name: team-outage, key: ${OUTAGE_KEY}, requests_per_minute: 1000 }
`;

/**
 * The build the processes run: dist/ of the repository (built when
 * missing), or GATEWAY_BUILD_DIR's (a build of one's own, as
 * BENCH_GATEWAY_DIR for the bench).
 */
function buildDir(): string {
  const own = process.env.GATEWAY_BUILD_DIR;
  if (own) {
    return own;
  }
  ensureBuilt();
  return ROOT;
}

/** One built gateway process (`node dist/main.js`), its output kept. */
class GatewayChild {
  output = '';

  private constructor(
    readonly url: string,
    readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (data: Buffer) => (this.output += String(data)));
    child.stderr?.on('data', (data: Buffer) => (this.output += String(data)));
  }

  static async start(env: Record<string, string>): Promise<GatewayChild> {
    const port = await freePort();
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: buildDir(),
      env: {
        PATH: process.env.PATH ?? '',
        API_ADAPTER_HOST: '127.0.0.1',
        API_ADAPTER_PORT: String(port),
        LOG_LEVEL: 'warn',
        UPSTREAM_PROBE_INTERVAL: '0',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const gateway = new GatewayChild(`http://127.0.0.1:${port}`, child);
    await waitUntil(
      async () =>
        (await fetch(`${gateway.url}/health`).catch(() => undefined))?.ok ===
        true,
      () => `the gateway on port ${port} to answer /health:\n${gateway.output}`,
      30_000,
    );
    return gateway;
  }

  chat(key: string): Promise<Response> {
    return fetch(`${this.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model: 'fake-model',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
  }

  async metrics(): Promise<Metrics> {
    return new Metrics(await (await fetch(`${this.url}/metrics`)).text());
  }

  /** The warnings the limits logged about their store. */
  storeWarnings(): string[] {
    return this.output
      .split('\n')
      .filter((line) => line.includes('the rate limit store (Redis) failed'));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = once(this.child, 'exit');
      this.child.kill('SIGTERM');
      await exited;
    }
  }
}

/**
 * Two built gateway processes counting one key's limits in one real Redis:
 * under concurrent load the total admitted is the limit, not the limit
 * times the replicas; with Redis stopped, each follows its
 * RATE_LIMIT_ON_STORE_FAILURE (A open, B closed), and both count again
 * once it is back.
 */
describe('rate limits shared by two gateway processes through Redis', () => {
  let redis: TestRedis;
  let upstream: FakeUpstream;
  let dir: string;
  let a: GatewayChild;
  let b: GatewayChild;

  beforeAll(async () => {
    redis = await startRedisServer();
    upstream = await FakeUpstream.start();
    dir = await mkdtemp(join(tmpdir(), 'rate-limits-redis-'));
    const keysFile = join(dir, 'keys.yaml');
    await writeFile(keysFile, KEYS_FILE);
    const env = {
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `rate-limits-${process.pid}:`,
      GATEWAY_KEYS_FILE: keysFile,
    };
    [a, b] = await Promise.all([
      GatewayChild.start({ ...env, RATE_LIMIT_ON_STORE_FAILURE: 'open' }),
      GatewayChild.start({ ...env, RATE_LIMIT_ON_STORE_FAILURE: 'closed' }),
    ]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await upstream?.close();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('admits exactly requests_per_minute of 40 concurrent requests split across both', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).chat(SHARED_KEY)),
    );
    const admitted = answers.filter((answer) => answer.status === 200);
    const refused = answers.filter((answer) => answer.status === 429);
    expect(admitted).toHaveLength(10);
    expect(refused).toHaveLength(30);
    expect(upstream.chatRequests).toHaveLength(10);
    // One atomic count: each admitted request saw a different remainder.
    expect(
      admitted
        .map((answer) =>
          Number(answer.headers.get('x-ratelimit-remaining-requests')),
        )
        .sort((x, y) => x - y),
    ).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const answer of refused) {
      expect(answer.headers.get('x-ratelimit-remaining-requests')).toBe('0');
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(
        1,
      );
      await expectOpenAiError(answer, 429, {
        type: 'requests',
        code: 'rate_limit_exceeded',
      });
    }
    const limited = (await a.metrics()).value('gateway_rate_limited_total', {
      tenant: 'team-shared',
      kind: 'requests_per_minute',
    });
    expect(
      limited +
        (await b.metrics()).value('gateway_rate_limited_total', {
          tenant: 'team-shared',
        }),
    ).toBe(30);
  });

  it('with Redis stopped, A lets requests through uncounted and B answers 503; both count again once it is back', async () => {
    expect((await a.chat(OUTAGE_KEY)).status).toBe(200);
    await redis.stop();
    for (let i = 0; i < 3; i++) {
      const open = await a.chat(OUTAGE_KEY);
      expect(open.status).toBe(200);
      expect(open.headers.get('x-ratelimit-limit-requests')).toBeNull();
      const closed = await b.chat(OUTAGE_KEY);
      await expectOpenAiError(closed, 503, {
        type: 'server_error',
        code: 'rate_limit_store_unavailable',
      });
      expect(closed.headers.get('retry-after')).toBe('5');
    }
    for (const gateway of [a, b]) {
      expect(
        (await gateway.metrics()).value(
          'gateway_rate_limit_store_failures_total',
        ),
      ).toBeGreaterThanOrEqual(3);
      // One warning for the whole outage, not one per request.
      await waitUntil(
        () => gateway.storeWarnings().length > 0,
        () => `the store warning:\n${gateway.output}`,
      );
      expect(gateway.storeWarnings()).toHaveLength(1);
    }
    expect(a.storeWarnings()[0]).toContain('pass uncounted');
    expect(b.storeWarnings()[0]).toContain('503');
    redis = await startRedisServer(redis.port);
    for (const gateway of [a, b]) {
      await waitUntil(
        async () =>
          (await gateway.chat(OUTAGE_KEY)).headers.get(
            'x-ratelimit-limit-requests',
          ) === '1000',
        () => 'the limits to count in the restarted Redis',
        15_000,
      );
    }
  });
});
