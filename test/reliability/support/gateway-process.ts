import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../support/built-app.js';
import { freePort, waitFor } from '../../support/mcp-servers.js';

const MAIN = join(ROOT, 'dist/main.js');

/** mtime of the newest file under `dir` that the build compiles (ms; 0 when none). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      newest = Math.max(newest, newestSource(path));
    } else if (
      entry.name.endsWith('.ts') &&
      !/\.(spec|test-support)\.ts$/.test(entry.name)
    ) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/**
 * Builds dist/ when it is missing or older than any source file, so the
 * child runs the code under test (ensureBuilt only checks that dist exists;
 * the last-resort handlers live in main.ts, which a stale build may lack).
 */
export function ensureFreshBuild(): void {
  let built = 0;
  try {
    built = statSync(MAIN).mtimeMs;
  } catch {
    // Not built yet.
  }
  if (built < newestSource(join(ROOT, 'src'))) {
    execFileSync('npm', ['run', 'build'], {
      cwd: ROOT,
      stdio: 'pipe',
      timeout: 170_000,
    });
  }
}

/** One pino line of the child's stdout. */
export interface LogLine {
  level?: string;
  msg?: string;
  err?: { message?: string; type?: string };
  [field: string]: unknown;
}

/** A streamed answer being read: its first bytes, then its whole text. */
export interface ReadingStream {
  firstBytes: Promise<void>;
  text: Promise<string>;
}

/**
 * `node [--import <preload>] dist/main.js` on 127.0.0.1 and a free port, its
 * output kept. `env` may carry NODE_OPTIONS (e.g. a heap cap).
 */
export class GatewayProcess {
  private output = '';

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly exit: Promise<{ code: number | null; signal: string | null }>,
  ) {
    child.stdout!.on(
      'data',
      (part: Buffer) => (this.output += part.toString()),
    );
    child.stderr!.on(
      'data',
      (part: Buffer) => (this.output += part.toString()),
    );
  }

  static async start(
    preload: string | null,
    env: Record<string, string>,
  ): Promise<GatewayProcess> {
    const port = await freePort();
    const args = preload === null ? [MAIN] : ['--import', preload, MAIN];
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        API_ADAPTER_HOST: '127.0.0.1',
        API_ADAPTER_PORT: String(port),
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exit = once(child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as string | null,
    }));
    const gateway = new GatewayProcess(child, `http://127.0.0.1:${port}`, exit);
    await waitFor(
      () => gateway.output.includes('open-responses-gateway listening'),
      15_000,
      'the gateway to listen',
    );
    return gateway;
  }

  /** Everything the child wrote so far, stdout and stderr, JSON or not. */
  get allOutput(): string {
    return this.output;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Every JSON log line so far (other output, e.g. a crash trace, is skipped). */
  logLines(): LogLine[] {
    return this.output.split('\n').flatMap((line) => {
      try {
        return line.startsWith('{') ? [JSON.parse(line) as LogLine] : [];
      } catch {
        return [];
      }
    });
  }

  /** Waits (up to 5 s) for a log line that `matches`, and returns it. */
  waitForLog(matches: (line: LogLine) => boolean, what: string) {
    return waitFor(
      () => this.logLines().find(matches),
      5_000,
      `${what}; output so far:\n${this.output.slice(-2_000)}`,
    );
  }

  async readyStatus(): Promise<number> {
    const answer = await fetch(`${this.url}/ready`, {
      signal: AbortSignal.timeout(2_000),
    });
    await answer.body?.cancel();
    return answer.status;
  }

  /** POSTs `body` and reads the answer as it arrives (10 s bound). */
  async stream(path: string, body: unknown): Promise<ReadingStream> {
    const answer = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const reader = answer.body!.getReader();
    const decoder = new TextDecoder();
    let sawFirst = (): void => undefined;
    const firstBytes = new Promise<void>((resolve) => (sawFirst = resolve));
    const read = async (): Promise<string> => {
      let text = '';
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) {
            return text;
          }
          text += decoder.decode(value, { stream: true });
          sawFirst();
        }
      } catch {
        return text; // Cut: what arrived is the answer.
      } finally {
        sawFirst();
      }
    };
    return { firstBytes, text: read() };
  }

  /** Ends the child if a test left it running: SIGKILL, no drain. */
  async kill(): Promise<void> {
    if (this.alive) {
      this.child.kill('SIGKILL');
      await this.exit;
    }
  }
}
