import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../support/built-app.js';
import { textStream } from '../support/chat-chunks.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  EVERYTHING_BIN,
  freePort,
  nodeServer,
  processExists,
  TempDir,
  waitFor,
} from '../support/mcp-servers.js';

const MAIN = join(ROOT, 'dist/main.js');
const PIECES = Array.from({ length: 20 }, (_, i) => `p${i} `);

describe('graceful shutdown of the built process (node dist/main.js)', () => {
  let upstream: FakeUpstream;
  let dir: TempDir;

  beforeAll(async () => {
    ensureBuilt();
    upstream = await FakeUpstream.start();
    dir = await TempDir.create();
  }, 180_000);
  afterAll(async () => {
    await upstream.close();
    await dir.remove();
  });
  beforeEach(() => upstream.reset());

  it('turns /ready 503, lets running streams finish, then exits 0', async () => {
    upstream.setHandler(() => ({
      kind: 'stream',
      chunks: textStream(PIECES),
      intervalMs: 100,
    }));
    const gateway = await Gateway.start({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      SHUTDOWN_GRACE_SECONDS: '30',
    });
    const chat = await gateway.stream('/v1/chat/completions', {
      model: 'fake-model',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const responses = await gateway.stream('/v1/responses', {
      model: 'fake-model',
      stream: true,
      input: 'hi',
    });
    await Promise.all([chat.firstBytes, responses.firstBytes]);
    expect(await gateway.readyStatus()).toBe(200);

    gateway.process.kill('SIGTERM');
    await waitFor(
      async () => (await gateway.readyStatus()) === 503,
      10_000,
      '/ready to turn 503',
    );
    expect(gateway.exited).toBe(false);

    const chatText = await chat.text;
    const chatContent = [...chatText.matchAll(/"content":"([^"]*)"/g)]
      .map((m) => m[1])
      .join('');
    expect(chatContent).toBe(PIECES.join(''));
    expect(chatText.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const responsesText = await responses.text;
    expect(responsesText).toContain('event: response.completed');
    expect(responsesText).toContain(`"text":"${PIECES.join('')}"`);

    expect(await gateway.exit).toEqual({ code: 0, signal: null });
    expect(upstream.abortCount).toBe(0);
    expect(gateway.output()).toContain('shutting down');
  });

  it('ends a stalled stream with an error chunk and [DONE] after SHUTDOWN_GRACE_SECONDS, aborts its upstream call, stops MCP children and exits 0', async () => {
    upstream.setHandler(() => ({
      kind: 'stream',
      chunks: textStream(PIECES),
      stallAfter: 2,
    }));
    const mcpConfig = await dir.writeConfig({
      everything: nodeServer(EVERYTHING_BIN, ['stdio']),
    });
    const gateway = await Gateway.start({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      SHUTDOWN_GRACE_SECONDS: '1',
      MCP_SERVERS_CONFIG_PATH: mcpConfig,
    });
    await waitFor(
      async () => (await gateway.mcpServers())[0]?.connected === true,
      15_000,
      'the MCP server to connect',
    );
    const mcpPid = childPids(gateway.process.pid!).find((pid) =>
      commandLine(pid).includes('server-everything'),
    );
    expect(mcpPid).toBeDefined();

    const chat = await gateway.stream('/v1/chat/completions', {
      model: 'fake-model',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    await chat.firstBytes;
    gateway.process.kill('SIGTERM');

    expect(await gateway.exit).toEqual({ code: 0, signal: null });
    await upstream.waitForAborts(1);
    // Ended, not cut: a final error chunk, then [DONE].
    const chatText = await chat.text;
    expect(chatText).toMatch(/data: \{"error":\{"message":"[^"]*shutting down/);
    expect(chatText.trimEnd().endsWith('data: [DONE]')).toBe(true);
    await waitFor(
      () => !processExists(mcpPid!),
      5_000,
      'the MCP child to exit',
    );
    expect(gateway.output()).toContain('shutdown grace period over');
    expect(gateway.output()).not.toContain(
      'cutting the requests still in flight',
    );
  });
});

/** A streamed answer being read: its first bytes, then its whole text. */
interface ReadingStream {
  firstBytes: Promise<void>;
  /** The text received, when the stream ends or breaks. */
  text: Promise<string>;
}

/** dist/main.js in a child process on 127.0.0.1 and a free port. */
class Gateway {
  exited = false;
  private log = '';

  private constructor(
    readonly process: ChildProcess,
    private readonly url: string,
    readonly exit: Promise<{ code: number | null; signal: string | null }>,
  ) {
    const append = (part: Buffer): void => {
      this.log += part.toString();
    };
    process.stdout!.on('data', append);
    process.stderr!.on('data', append);
  }

  static async start(env: Record<string, string>): Promise<Gateway> {
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
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
    const gateway = new Gateway(child, `http://127.0.0.1:${port}`, exit);
    void exit.then(() => (gateway.exited = true));
    await waitFor(
      () => gateway.log.includes('open-responses-gateway listening'),
      20_000,
      `the gateway to listen; output so far: ${gateway.log}`,
    );
    return gateway;
  }

  output(): string {
    return this.log;
  }

  async readyStatus(): Promise<number> {
    return (await fetch(`${this.url}/ready`)).status;
  }

  async mcpServers(): Promise<{ connected: boolean }[]> {
    const answer = await fetch(`${this.url}/v1/mcp/servers`);
    return ((await answer.json()) as { data: { connected: boolean }[] }).data;
  }

  async stream(path: string, body: unknown): Promise<ReadingStream> {
    const answer = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(answer.status).toBe(200);
    const reader = answer.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let sawFirst: () => void = () => undefined;
    const firstBytes = new Promise<void>((resolve) => (sawFirst = resolve));
    const read = async (): Promise<string> => {
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
        // Cut by the gateway: what arrived is the answer.
        return text;
      } finally {
        sawFirst();
      }
    };
    return { firstBytes, text: read() };
  }
}

/** Pids whose parent is `pid` (Linux /proc). */
function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command (in parentheses): state, then ppid.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) {
        children.push(Number(entry));
      }
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
