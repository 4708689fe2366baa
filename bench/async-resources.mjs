/**
 * `npm run bench:async`: the async resources (promises, process.nextTick
 * callbacks, timers, …) the gateway and the floor create per request, for a
 * non-streamed chat request and a short stream of each API, one request at
 * a time. Deterministic where timings on a shared machine are not: on
 * Node 20 every promise of a request pays AsyncLocalStorage's promise hook,
 * so the count is a cost the bench's CPU figures can only blur. Writes a
 * table to stdout; RESULTS.md quotes it. `node bench/async-resources.mjs
 * DIR` measures the build in DIR (its dist/) instead of this one's.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import {
  forkHelper,
  installCleanup,
  startGateway,
  stopAll,
} from './processes.mjs';
import { KINDS, send } from './request-kinds.mjs';

const REQUESTS = 500;
const WARM_UP = 200;
const COUNTER = [
  '--import',
  fileURLToPath(new URL('./async-resource-counter.mjs', import.meta.url)),
];
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** The counts per request of one kind, from the counter's stderr line. */
async function countsOf(handle, pool, kind) {
  await send(pool, kind, WARM_UP);
  process.kill(handle.pid, 'SIGUSR1');
  await sleep(100);
  await send(pool, kind, REQUESTS);
  const before = handle.output.length;
  process.kill(handle.pid, 'SIGUSR2');
  for (let waited = 0; waited < 50; waited++) {
    const line = handle.output
      .slice(before)
      .find((l) => l.startsWith('ASYNC_RESOURCES '));
    if (line) {
      const counts = JSON.parse(line.slice('ASYNC_RESOURCES '.length));
      return Object.fromEntries(
        Object.entries(counts).map(([type, n]) => [type, n / REQUESTS]),
      );
    }
    await sleep(20);
  }
  throw new Error(`${handle.name} printed no counts`);
}

/** A count per request: whole when it is (within rounding), else two decimals. */
function perRequest(n) {
  return Math.abs(n - Math.round(n)) < 0.005
    ? String(Math.round(n))
    : n.toFixed(2);
}

function row(target, kind, counts) {
  const shown = ['PROMISE', 'TickObject', 'Timeout', 'Immediate'];
  const rest = Object.entries(counts)
    .filter(([type]) => !shown.includes(type))
    .map(([type, n]) => `${type} ${perRequest(n)}`)
    .join(', ');
  const cells = shown.map((type) => perRequest(counts[type] ?? 0));
  return `| ${kind} | ${target} | ${cells.join(' | ')} | ${rest || '–'} |`;
}

installCleanup();
const upstream = await forkHelper(
  'fake upstream',
  join(repoRoot, 'bench/fake-upstream.mjs'),
);
const upstreamOrigin = `http://127.0.0.1:${upstream.port}`;
const floor = await forkHelper(
  'floor',
  join(repoRoot, 'bench/floor-proxy.mjs'),
  { UPSTREAM_ORIGIN: upstreamOrigin },
  COUNTER,
);
// Another build's directory (its dist/), to compare with: the first argument.
const gateway = await startGateway({
  cwd: process.argv[2] ?? repoRoot,
  upstreamBaseUrl: `${upstreamOrigin}/v1`,
  nodeArgs: COUNTER,
});
console.log(
  '| request | process | promises | nextTicks | timeouts | immediates | other |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const [target, handle] of [
  ['floor', floor],
  ['gateway', gateway],
]) {
  const pool = new Pool(`http://127.0.0.1:${handle.port}`, { connections: 1 });
  for (const kind of target === 'floor' ? KINDS.slice(0, 2) : KINDS) {
    console.log(row(target, kind[0], await countsOf(handle, pool, kind)));
  }
  await pool.close();
}
await stopAll();
