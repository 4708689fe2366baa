/**
 * `npm run bench:instructions`: CPU instructions a non-streamed chat request
 * costs the gateway, the floor and the minimal gateway (minimal-gateway.mjs),
 * counted by valgrind's callgrind (Debian's `valgrind` package;
 * `apt-get install valgrind`). One request at
 * a time through the fake upstream: after a warm-up run uninstrumented,
 * callgrind counts the instructions of the next requests in user space,
 * JIT code included; the kernel's share (socket writes) is not counted.
 * Counts move far less than times with the machine's other load: runs of
 * one build spread by up to a tenth (V8's tier-ups, its background threads
 * and where the GCs fall move them; a busy machine moves them more), where
 * CPU times per slice spread by more than half. The process runs ~50×
 * slower under valgrind: a run takes about six minutes.
 *
 * `node bench/instructions.mjs [DIR]` counts the build in DIR (its dist/)
 * instead of this one's, to compare two builds.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { forkHelper, freePort, installCleanup, stopAll } from './processes.mjs';

const WARM_UP = 20_000;
const MEASURED = 10_000;
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const BODY = JSON.stringify({
  model: 'bench',
  messages: [{ role: 'user', content: 'Say hello in five words.' }],
});

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

async function send(pool, count) {
  for (let i = 0; i < count; i++) {
    const answer = await pool.request({
      path: '/v1/chat/completions',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: BODY,
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

/** Instructions per measured request of one target. */
async function count(name, script, cwd, env, outDir) {
  const { child, base } = await startUnderCallgrind(
    name,
    script,
    cwd,
    env,
    outDir,
  );
  const pool = new Pool(base, { connections: 1 });
  try {
    await send(pool, WARM_UP);
    callgrindControl('--instr=on', child.pid);
    await send(pool, MEASURED);
    callgrindControl('--instr=off', child.pid);
    callgrindControl('--dump', child.pid);
  } finally {
    await pool.close();
    child.kill('SIGKILL');
  }
  let total = 0;
  for (const file of readdirSync(outDir).filter((f) =>
    f.startsWith(`${name}.`),
  )) {
    const totals = /^totals: (\d+)/m.exec(
      readFileSync(join(outDir, file), 'utf8'),
    );
    total = Math.max(total, Number(totals?.[1] ?? 0));
  }
  return total / MEASURED;
}

installCleanup();
const outDir = mkdtempSync(join(tmpdir(), 'bench-instructions-'));
const upstream = await forkHelper(
  'fake upstream',
  join(repoRoot, 'bench/fake-upstream.mjs'),
);
const origin = `http://127.0.0.1:${upstream.port}`;
try {
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
  const gateway = await count(
    'gateway',
    'dist/main.js',
    process.argv[2] ?? repoRoot,
    (port) => ({
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      API_ADAPTER_HOST: '127.0.0.1',
      API_ADAPTER_PORT: String(port),
      OPENAI_BASE_URL_INTERNAL: `${origin}/v1`,
    }),
    outDir,
  );
  const thousands = (n) => `${(n / 1000).toFixed(0)}k`;
  console.log(
    `instructions per non-streamed chat request: floor ${thousands(floor)}, minimal gateway ${thousands(minimal)} (${(minimal / floor).toFixed(2)}× the floor), gateway ${thousands(gateway)} (${(gateway / floor).toFixed(2)}× the floor, ${(gateway / minimal).toFixed(2)}× the minimal gateway)`,
  );
} finally {
  rmSync(outDir, { recursive: true, force: true });
  await stopAll();
}
