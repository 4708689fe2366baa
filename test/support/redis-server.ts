import { spawn, type ChildProcess } from 'node:child_process';
import { closedPort } from './error-expectations.js';

/** A Redis for a test file: its URL, and how to let go of it. */
export interface TestRedis {
  /** e.g. redis://127.0.0.1:PORT/0 */
  url: string;
  port: number;
  /** Stops the server when this file started it; else does nothing. */
  stop(): Promise<void>;
}

const NOT_INSTALLED =
  'These tests need Redis: set REDIS_URL to a disposable Redis, or install ' +
  'the redis-server binary (Debian/Ubuntu: apt-get install redis-server; ' +
  'macOS: brew install redis) so the tests can start their own.';

/**
 * The Redis of `REDIS_URL` when it is set (CI starts one), else a
 * redis-server started for this file on a random free port. Fails with a
 * clear message when neither is possible: the Redis tests never skip.
 */
export async function redisForTests(): Promise<TestRedis> {
  const url = process.env.REDIS_URL;
  if (url) {
    return {
      url,
      port: Number(new URL(url).port || 6379),
      stop: () => Promise.resolve(),
    };
  }
  return startRedisServer();
}

/**
 * Spawns `redis-server` on 127.0.0.1 (a random free port unless `port` is
 * given), without persistence, and resolves once it accepts connections.
 * `extraArgs` are more server options, e.g. `['--requirepass', 'pw']`.
 */
export async function startRedisServer(
  port?: number,
  extraArgs: readonly string[] = [],
): Promise<TestRedis> {
  const listenPort = port ?? (await closedPort());
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(listenPort),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await untilReady(child);
  return {
    url: `redis://127.0.0.1:${listenPort}/0`,
    port: listenPort,
    stop: () => stopChild(child),
  };
}

function untilReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onExit = (code: number | null): void =>
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new Error(NOT_INSTALLED) : error);
    });
    child.once('exit', onExit);
    child.stdout?.on('data', (data: Buffer) => {
      output += data.toString();
      if (output.includes('Ready to accept connections')) {
        child.off('exit', onExit);
        resolve();
      }
    });
    child.stderr?.on('data', (data: Buffer) => {
      output += data.toString();
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
