/**
 * `npm run bench:instructions`: CPU instructions a non-streamed chat request
 * costs the gateway, the floor and the minimal gateway (minimal-gateway.mjs),
 * counted by valgrind's callgrind (Debian's `valgrind` package;
 * `apt-get install valgrind`). One request at
 * a time through the fake upstream: after a warm-up run uninstrumented,
 * callgrind counts the instructions of the next requests in user space,
 * JIT code included; the kernel's share (socket writes) is not counted.
 * Counts move far less than times with the machine's other load, where
 * CPU times per slice spread by more than half. Each thread is counted on
 * its own: the main thread, where the requests run, spread by ~3% between
 * runs of one build; the process as a whole by up to a quarter, as V8's
 * background threads (TurboFan compiling what the warm-up made hot,
 * concurrent marking) may or may not fall in the measured window. The
 * process runs ~50× slower under valgrind: a run takes about six minutes.
 *
 * `node bench/instructions.mjs [DIR]` counts the build in DIR (its dist/)
 * instead of this one's, to compare two builds. With `--streams`, it counts
 * the gateway's streams instead: a 500-chunk chat pass-through and the same
 * 500 chunks as a Responses stream, per stream and per chunk, and their
 * ratio (the `responses-stream-500` target of issue #19, counted).
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { garbageCollectorInstructions } from './callgrind-gc.mjs';
import { forkHelper, freePort, installCleanup, stopAll } from './processes.mjs';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const MESSAGES = [{ role: 'user', content: 'Say hello in five words.' }];
const STREAM_CHUNKS = 500;

/** What is sent: one request, `warmUp` times uninstrumented, then `measured` times counted. */
const CHAT = {
  path: '/v1/chat/completions',
  body: JSON.stringify({ model: 'bench', messages: MESSAGES }),
  warmUp: 20_000,
  measured: 10_000,
};
const PASS_THROUGH_STREAM = {
  path: '/v1/chat/completions',
  body: JSON.stringify({
    model: `bench-chunks-${STREAM_CHUNKS}`,
    messages: MESSAGES,
    stream: true,
    stream_options: { include_usage: true },
  }),
  warmUp: 3_000,
  measured: 500,
};
const RESPONSES_STREAM = {
  ...PASS_THROUGH_STREAM,
  path: '/v1/responses',
  body: JSON.stringify({
    model: `bench-chunks-${STREAM_CHUNKS}`,
    input: 'Say hello in five words.',
    stream: true,
  }),
};

/** Starts `script` under callgrind with instrumentation off; resolves once it answers. */
async function startUnderCallgrind(name, script, cwd, env, outDir) {
  const port = await freePort();
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      // V8 writes and rewrites machine code on the heap.
      '--smc-check=all-non-file',
      // A file per thread: the main thread apart from V8's helpers.
      '--separate-threads=yes',
      `--callgrind-out-file=${join(outDir, `${name}.%p`)}`,
      process.execPath,
      script,
    ],
    {
      cwd,
      env: { ...process.env, ...env(port) },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (data) => {
    stderr = (stderr + data).slice(-4_000);
  });
  const base = `http://127.0.0.1:${port}`;
  for (let tries = 0; tries < 600; tries++) {
    if (child.exitCode !== null) {
      break;
    }
    try {
      await (await fetch(`${base}/health`)).text();
      return { child, base };
    } catch {
      await sleep(500);
    }
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not start under valgrind:\n${stderr}`);
}

async function send(pool, request, count) {
  for (let i = 0; i < count; i++) {
    const answer = await pool.request({
      path: request.path,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: request.body,
    });
    await answer.body.dump();
    if (answer.statusCode !== 200) {
      throw new Error(`answered ${answer.statusCode}`);
    }
  }
}

function callgrindControl(command, pid) {
  execFileSync('callgrind_control', [command, String(pid)], {
    stdio: 'ignore',
  });
}

/** Instructions per measured request of one target, main thread and all threads. */
async function count(name, script, cwd, env, outDir, request = CHAT) {
  const { child, base } = await startUnderCallgrind(
    name,
    script,
    cwd,
    env,
    outDir,
  );
  const pool = new Pool(base, { connections: 1 });
  try {
    await send(pool, request, request.warmUp);
    callgrindControl('--instr=on', child.pid);
    await send(pool, request, request.measured);
    callgrindControl('--instr=off', child.pid);
    callgrindControl('--dump', child.pid);
  } finally {
    await pool.close();
    child.kill('SIGKILL');
  }
  // Files `<name>.<pid>.<part>-<thread>`: thread 01 is the main thread.
  let main = 0;
  let all = 0;
  let mainGc = 0;
  for (const file of readdirSync(outDir).filter((f) =>
    f.startsWith(`${name}.`),
  )) {
    const path = join(outDir, file);
    const totals = /^totals: (\d+)/m.exec(readFileSync(path, 'utf8'));
    const instructions = Number(totals?.[1] ?? 0);
    all += instructions;
    if (file.endsWith('-01')) {
      main += instructions;
      mainGc += garbageCollectorInstructions(path);
    }
  }
  const per = (n) => n / request.measured;
  return {
    main: per(main),
    mutator: per(main - mainGc),
    gc: per(mainGc),
    all: per(all),
  };
}

const THREADS = [
  ['main', 'main thread'],
  ['mutator', "main thread less V8's garbage collector (callgrind-gc.mjs)"],
  ['all', 'all threads'],
];
const thousands = (n) => `${(n / 1000).toFixed(0)}k`;

/** The non-streamed chat request in the floor, the minimal gateway and the gateway. */
async function countChat(origin, gatewayDir, outDir) {
  // A reference proxy of bench/, listening on the port its variable names.
  const reference = (name, script, portVariable) =>
    count(
      name,
      join(repoRoot, 'bench', script),
      repoRoot,
      (port) => ({ UPSTREAM_ORIGIN: origin, [portVariable]: String(port) }),
      outDir,
    );
  const floor = await reference('floor', 'floor-proxy.mjs', 'FLOOR_PORT');
  const minimal = await reference(
    'minimal',
    'minimal-gateway.mjs',
    'MINIMAL_PORT',
  );
  const gateway = await countGateway('gateway', origin, gatewayDir, outDir);
  for (const [part, label] of THREADS) {
    const [f, m, g] = [floor[part], minimal[part], gateway[part]];
    console.log(
      `instructions per non-streamed chat request, ${label}: floor ${thousands(f)}, minimal gateway ${thousands(m)} (${(m / f).toFixed(2)}× the floor), gateway ${thousands(g)} (${(g / f).toFixed(2)}× the floor, ${(g / m).toFixed(2)}× the minimal gateway)`,
    );
  }
}

/** A 500-chunk stream through the gateway: as a chat pass-through, and as a Responses stream. */
async function countStreams(origin, gatewayDir, outDir) {
  const pass = await countGateway(
    'pass-through',
    origin,
    gatewayDir,
    outDir,
    PASS_THROUGH_STREAM,
  );
  const responses = await countGateway(
    'responses',
    origin,
    gatewayDir,
    outDir,
    RESPONSES_STREAM,
  );
  const perChunk = (n) => (n / STREAM_CHUNKS / 1000).toFixed(2);
  for (const [part, label] of THREADS) {
    const [p, r] = [pass[part], responses[part]];
    console.log(
      `instructions per ${STREAM_CHUNKS}-chunk stream, ${label}: chat pass-through ${thousands(p)} (${perChunk(p)}k a chunk), Responses ${thousands(r)} (${perChunk(r)}k a chunk, ${(r / p).toFixed(2)}× the pass-through)`,
    );
  }
  console.log(
    `of which V8's garbage collector on the main thread: chat pass-through ${thousands(pass.gc)}, Responses ${thousands(responses.gc)}`,
  );
}

function countGateway(name, origin, gatewayDir, outDir, request = CHAT) {
  return count(
    name,
    'dist/main.js',
    gatewayDir,
    (port) => ({
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      API_ADAPTER_HOST: '127.0.0.1',
      API_ADAPTER_PORT: String(port),
      OPENAI_BASE_URL_INTERNAL: `${origin}/v1`,
    }),
    outDir,
    request,
  );
}

installCleanup();
const args = process.argv.slice(2);
const streams = args.includes('--streams');
const gatewayDir = args.find((arg) => !arg.startsWith('--')) ?? repoRoot;
const outDir = mkdtempSync(join(tmpdir(), 'bench-instructions-'));
const upstream = await forkHelper(
  'fake upstream',
  join(repoRoot, 'bench/fake-upstream.mjs'),
);
const origin = `http://127.0.0.1:${upstream.port}`;
try {
  await (streams ? countStreams : countChat)(origin, gatewayDir, outDir);
} finally {
  rmSync(outDir, { recursive: true, force: true });
  await stopAll();
}
