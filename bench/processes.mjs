/**
 * Child processes of a bench run: start them on 127.0.0.1, wait until they
 * answer, read their CPU time from /proc, and make sure every one of them is
 * gone when the run ends, however it ends.
 */
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

const children = new Set();
/** Clock ticks per second of /proc/<pid>/stat times; 100 on every Linux Node supports. */
const CLOCK_TICKS = 100;
const STOP_GRACE_MS = 3_000;

/** A log line's level and message for pino JSON lines, else its start. */
function logKey(line) {
  try {
    const entry = JSON.parse(line);
    return `${entry.level}: ${entry.msg}`;
  } catch {
    return line.slice(0, 120);
  }
}

function track(child, name) {
  const output = [];
  const handle = {
    name,
    child,
    pid: child.pid,
    output,
    logCounts: new Map(),
    exited: false,
  };
  const keep = (data) => {
    const lines = String(data).split('\n').filter(Boolean);
    for (const line of lines) {
      const key = logKey(line);
      handle.logCounts.set(key, (handle.logCounts.get(key) ?? 0) + 1);
    }
    output.push(...lines);
    output.splice(0, Math.max(0, output.length - 40));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  children.add(handle);
  child.once('exit', (code, signal) => {
    handle.exited = true;
    handle.exitReason = signal ?? `code ${code}`;
    children.delete(handle);
  });
  return handle;
}

/** Forks a bench helper that reports `{ port }` over IPC once it listens. */
export async function forkHelper(
  name,
  script,
  env = {},
  execArgv = process.execArgv,
) {
  const child = fork(script, [], {
    env: { ...process.env, ...env },
    execArgv,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const handle = track(child, name);
  const [message] = await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(() => {
      throw new Error(
        `${name} exited before listening:\n${handle.output.join('\n')}`,
      );
    }),
  ]);
  handle.port = message.port;
  return handle;
}

/** A port that was free a moment ago, for processes that need one up front. */
export async function freePort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Node flags that preload gc-probe.mjs: the process answers `{ type: 'gc' }`
 * over IPC (memory.mjs), so it needs an 'ipc' stdio slot.
 */
export const GC_PROBE_ARGS = [
  '--expose-gc',
  '--import',
  fileURLToPath(new URL('./gc-probe.mjs', import.meta.url)),
];

/** Polls `url` until it answers 200, the process exits, or 30 s pass. */
async function waitUntilAnswers(handle, url) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (handle.exited) {
      throw new Error(
        `${handle.name} exited (${handle.exitReason}) before ${url} answered:\n${handle.output.join('\n')}`,
      );
    }
    try {
      const response = await request(url);
      await response.body.dump();
      if (response.statusCode === 200) {
        return handle;
      }
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(
    `${handle.name} did not answer ${url} within 30 s:\n${handle.output.join('\n')}`,
  );
}

/**
 * Starts the built gateway (`node dist/main.js` in `cwd`) in production mode and waits
 * until GET /health answers. `nodeArgs` go before the script (e.g. --cpu-prof);
 * `memoryProbe` preloads gc-probe.mjs.
 */
export async function startGateway({
  cwd,
  upstreamBaseUrl,
  nodeArgs = [],
  env = {},
  memoryProbe = false,
}) {
  const port = await freePort();
  const probe = memoryProbe ? GC_PROBE_ARGS : [];
  // Another Node for the gateway alone (e.g. the Docker image's Node 22), with its own flags.
  const node = process.env.BENCH_GATEWAY_NODE || process.execPath;
  const nodeFlags = (process.env.BENCH_GATEWAY_NODE_FLAGS ?? '')
    .split(' ')
    .filter(Boolean);
  const child = spawn(
    node,
    [...nodeFlags, ...probe, ...nodeArgs, 'dist/main.js'],
    {
      cwd,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        API_ADAPTER_HOST: '127.0.0.1',
        API_ADAPTER_PORT: String(port),
        OPENAI_BASE_URL_INTERNAL: upstreamBaseUrl,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe', ...(memoryProbe ? ['ipc'] : [])],
    },
  );
  const handle = track(child, 'gateway');
  handle.port = port;
  return waitUntilAnswers(handle, `http://127.0.0.1:${port}/health`);
}

/**
 * Starts Portkey's open-source gateway (the @portkey-ai/gateway package, its
 * build/start-server.js) in production mode on a free port, and waits until
 * GET / answers. It takes the port as `--port=N` and always listens on every
 * interface; `--headless` leaves its console UI out.
 */
export async function startPortkey({ repoRoot }) {
  const port = await freePort();
  const script = join(
    repoRoot,
    'node_modules/@portkey-ai/gateway/build/start-server.js',
  );
  const child = spawn(
    process.execPath,
    [...GC_PROBE_ARGS, script, `--port=${port}`, '--headless'],
    {
      cwd: repoRoot,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  const handle = track(child, 'portkey');
  handle.port = port;
  return waitUntilAnswers(handle, `http://127.0.0.1:${port}/`);
}

/** User + system CPU time of a process so far, in ms, from /proc/<pid>/stat. */
export function cpuTimeMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 (utime) and 15 (stime) of proc(5); this slice starts at field 3.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS;
}

/** Stops one child: `signal`, then SIGKILL if it is still there after a grace period. */
export async function stopChild(handle, signal = 'SIGTERM') {
  if (handle.exited) {
    return;
  }
  const exited = once(handle.child, 'exit');
  handle.child.kill(signal);
  const timer = setTimeout(() => handle.child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** Stops every child still running. */
export async function stopAll() {
  await Promise.all([...children].map((handle) => stopChild(handle)));
}

/**
 * Cleans up on every way out: normal exit, an uncaught error, SIGINT/SIGTERM.
 * The 'exit' hook can only run synchronous code, so it SIGKILLs what is left.
 */
export function installCleanup() {
  process.once('exit', () => {
    for (const handle of children) {
      handle.child.kill('SIGKILL');
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping the bench processes\n`);
      void stopAll().finally(() => process.exit(130));
    });
  }
}
