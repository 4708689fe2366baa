import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../support/built-app.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import { startGateway } from '../support/gateway-harness.js';

const MAIN = join(ROOT, 'dist', 'main.js');

describe('FORWARD_CLIENT_AUTH', () => {
  let upstream: FakeUpstream;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
  });
  afterAll(() => upstream.close());

  /** The Authorization header the upstream saw for one proxied request. */
  const authorizationSeen = async (
    env: Record<string, string>,
  ): Promise<unknown> => {
    const gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      OPENAI_API_KEY: 'sk-upstream',
      ...env,
    });
    try {
      const response = await fetch(`${gateway.url}/v1/embeddings`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer sk-client',
          'content-type': 'application/json',
        },
        body: '{"input":"x"}',
      });
      return ((await response.json()) as { headers: Record<string, unknown> })
        .headers.authorization;
    } finally {
      await gateway.close();
    }
  };

  it("replaces the client's Authorization by default", async () => {
    expect(await authorizationSeen({})).toBe('Bearer sk-upstream');
  });

  it("forwards the client's Authorization when true", async () => {
    expect(await authorizationSeen({ FORWARD_CLIENT_AUTH: 'true' })).toBe(
      'Bearer sk-client',
    );
  });

  it("replaces the client's Authorization when explicitly false", async () => {
    expect(await authorizationSeen({ FORWARD_CLIENT_AUTH: 'false' })).toBe(
      'Bearer sk-upstream',
    );
  });
});

describe('the built process (node dist/main.js)', () => {
  let upstream: FakeUpstream;
  let workDir: string;

  beforeAll(async () => {
    ensureBuilt();
    upstream = await FakeUpstream.start();
    // A cwd of its own, so no stray .env is picked up unless a test writes one.
    workDir = await mkdtemp(join(tmpdir(), 'gateway-config-'));
  }, 180_000);
  afterAll(async () => {
    await upstream.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('exits with code 1 and one message naming every bad key', async () => {
    const run = await runToExit(
      { API_ADAPTER_PORT: 'abc', OPENAI_BASE_URL_INTERNAL: 'not-a-url' },
      workDir,
    );
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid environment variables: /);
    expect(lines[0]).toContain('API_ADAPTER_PORT');
    expect(lines[0]).toContain('OPENAI_BASE_URL_INTERNAL');
    expect(run.stdout).toBe('');
  });

  it('exits with code 1 and one message for a bad key in .env', async () => {
    const dir = await mkdtemp(join(workDir, 'bad-env-'));
    await writeFile(join(dir, '.env'), 'API_ADAPTER_PORT=abc\n');
    const run = await runToExit({}, dir);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Invalid environment variables: API_ADAPTER_PORT/,
    );
  });

  it('serves /health, never logs secrets, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const child = startMain(
      {
        API_ADAPTER_HOST: '127.0.0.1',
        API_ADAPTER_PORT: String(port),
        OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
        OPENAI_API_KEY: 'sk-upstream-never-logged',
        LOG_LEVEL: 'debug',
      },
      workDir,
    );
    const output = collect(child);
    const exited = once(child, 'exit');
    try {
      await output.waitFor('open-responses-gateway listening');
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const models = await fetch(`http://127.0.0.1:${port}/v1/models`, {
        headers: { authorization: 'Bearer sk-client-never-logged' },
      });
      expect(models.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    const [code, signal] = (await exited) as [number | null, string | null];
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const text = output.text();
    expect(text).not.toContain('never-logged');
    // Every line on stdout is one JSON log record.
    for (const line of text.trim().split('\n')) {
      expect(() => JSON.parse(line) as unknown).not.toThrow();
    }
  });

  it('reads its settings from a .env file in the working directory', async () => {
    const port = await freePort();
    const dir = await mkdtemp(join(workDir, 'good-env-'));
    await writeFile(
      join(dir, '.env'),
      `API_ADAPTER_HOST=127.0.0.1\nAPI_ADAPTER_PORT=${port}\nOPENAI_BASE_URL_INTERNAL=${upstream.baseUrl}\n`,
    );
    const child = startMain({}, dir);
    const output = collect(child);
    const exited = once(child, 'exit');
    try {
      await output.waitFor('open-responses-gateway listening');
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    await exited;
  });
});

/** Starts dist/main.js with only PATH and `env` (no inherited settings). */
function startMain(env: Record<string, string>, cwd: string): ChildProcess {
  return spawn(process.execPath, [MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function runToExit(
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = startMain(env, cwd);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (part: Buffer) => (stdout += part.toString()));
  child.stderr!.on('data', (part: Buffer) => (stderr += part.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** Gathers a child's stdout and stderr; `waitFor` resolves when a text shows up. */
function collect(child: ChildProcess): {
  text: () => string;
  waitFor: (needle: string) => Promise<void>;
} {
  let text = '';
  const waiters: (() => void)[] = [];
  const onData = (part: Buffer): void => {
    text += part.toString();
    waiters.splice(0).forEach((wake) => wake());
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  return {
    text: () => text,
    waitFor: async (needle) => {
      while (!text.includes(needle)) {
        if (child.exitCode !== null) {
          throw new Error(`the process exited early:\n${text}`);
        }
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          child.once('exit', () => resolve());
        });
      }
    },
  };
}

/** A port that was free a moment ago (port 0 cannot be printed by main.ts). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
