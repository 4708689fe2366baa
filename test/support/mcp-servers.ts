import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const moduleFile = (relative: string): string =>
  fileURLToPath(new URL(relative, import.meta.url));

/** The real reference servers installed as devDependencies. */
export const EVERYTHING_BIN = moduleFile(
  '../../node_modules/@modelcontextprotocol/server-everything/dist/index.js',
);
export const FILESYSTEM_BIN = moduleFile(
  '../../node_modules/@modelcontextprotocol/server-filesystem/dist/index.js',
);
/** A tiny SDK server whose tool list changes on request (see the file). */
export const TEST_SERVER_BIN = moduleFile('./mcp-test-server.mjs');
const LOOPBACK_PRELOAD = new URL('./mcp-loopback-preload.mjs', import.meta.url)
  .href;

/** An `mcpServers` entry that runs a Node script over stdio. */
export function nodeServer(
  script: string,
  args: string[] = [],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { command: process.execPath, args: [script, ...args], ...extra };
}

/** A scratch folder holding config files and test data. */
export class TempDir {
  private constructor(readonly path: string) {}

  static async create(): Promise<TempDir> {
    return new TempDir(await mkdtemp(join(tmpdir(), 'mcp-e2e-')));
  }

  /** Writes `{ "mcpServers": servers }` and returns its path. */
  async writeConfig(
    servers: Record<string, unknown>,
    name = 'mcp.json',
  ): Promise<string> {
    return this.write(name, JSON.stringify({ mcpServers: servers }));
  }

  async write(name: string, content: string): Promise<string> {
    const path = join(this.path, name);
    await writeFile(path, content);
    return path;
  }

  async remove(): Promise<void> {
    await rm(this.path, { recursive: true, force: true });
  }
}

/**
 * server-everything in one of its HTTP modes, as a child process on
 * 127.0.0.1 and a free port. It reads its port from PORT and has no host
 * option, so a preload pins its listen() to the loopback interface.
 */
export class EverythingHttpServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(
    mode: 'streamableHttp' | 'sse',
    port?: number,
  ): Promise<EverythingHttpServer> {
    port ??= await freePort();
    const child = spawn(
      process.execPath,
      ['--import', LOOPBACK_PRELOAD, EVERYTHING_BIN, mode],
      { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' },
    );
    const server = new EverythingHttpServer(child, port);
    await waitFor(() => canConnect(port), 15_000, `${mode} server on ${port}`);
    return server;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return;
    }
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }
}

/** Polls `probe` until it returns something truthy. */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** True while a process with this pid exists. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
