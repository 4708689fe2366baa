/**
 * `npm run bench:ic`: the misses of V8's inline caches per request in the
 * gateway, for each kind of request-kinds.mjs (the agent's too), and the
 * code that misses.
 *
 * A property read or write whose cache does not know the object's hidden
 * class goes to V8's runtime, some hundred times the cost of a hit. Once a
 * process is warm, a request should cause none; one that keeps causing
 * them makes objects of a new hidden class each time (on Node 20, an object
 * literal that spreads an object and then adds a property: see
 * src/common/objects/with-fields.ts). V8 logs each miss (`--log-ic`); this
 * counts the misses of `REQUESTS` requests after `WARM_UP` others, one
 * gateway process per kind, and names each site by the code V8 logged at
 * its address. Exact to about 0.1 a request (the log is buffered when the
 * warm-up ends), and quick. `node bench/inline-caches.mjs DIR` measures the
 * build in DIR (its dist/) instead of this one's.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import {
  forkHelper,
  installCleanup,
  startGateway,
  stopAll,
  stopChild,
} from './processes.mjs';
import { AGENT_KINDS, KINDS, send } from './request-kinds.mjs';

const WARM_UP = 500;
const MEASURED_KINDS = [...KINDS, ...AGENT_KINDS];
const REQUESTS = 1_000;
/** A function is listed when it misses at least this often per request… */
const LISTED = 0.2;
/** …and among the most missing ones. */
const SHOWN = 6;
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** The code objects of a V8 log by start address, as the log creates and moves them. */
class CodeMap {
  #byStart = new Map();
  #sorted;

  /** Takes a `code-creation` or `code-move` line; ignores others. */
  note(fields) {
    if (fields[0] === 'code-creation') {
      const name = fields.slice(6).join(',');
      this.#byStart.set(parseInt(fields[4], 16), [Number(fields[5]), name]);
      this.#sorted = undefined;
    } else if (fields[0] === 'code-move') {
      const code = this.#byStart.get(parseInt(fields[1], 16));
      if (code) {
        this.#byStart.delete(parseInt(fields[1], 16));
        this.#byStart.set(parseInt(fields[2], 16), code);
        this.#sorted = undefined;
      }
    }
  }

  /** The name of the code holding `address`, or '?'. */
  nameAt(address) {
    this.#sorted ??= [...this.#byStart.keys()].sort((a, b) => a - b);
    let low = 0;
    let high = this.#sorted.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.#sorted[middle] <= address) low = middle;
      else high = middle - 1;
    }
    const start = this.#sorted[low];
    const [size, name] = this.#byStart.get(start) ?? [0, '?'];
    return start <= address && address < start + size ? name : '?';
  }
}

/**
 * `{ perRequest, sites }` of the IC events logged past byte `from`: sites
 * by the function whose code missed, with the property names.
 */
function missesIn(log, from) {
  const codes = new CodeMap();
  const sites = new Map();
  let offset = 0;
  let misses = 0;
  for (const line of log.split('\n')) {
    const measured = offset >= from;
    offset += Buffer.byteLength(line) + 1;
    const fields = line.split(',');
    if (!/IC$/.test(fields[0])) {
      codes.note(fields);
      continue;
    }
    if (!measured) continue;
    misses++;
    // type, pc, time, line, column, old state, new state, map, key, …
    const code = codes
      .nameAt(parseInt(fields[1], 16))
      .replace(/file:\/\/|\/[^ ]*\/(?=(dist|node_modules)\/)/g, '')
      .split(',')[0];
    const site = sites.get(code) ?? { misses: 0, keys: new Set() };
    site.misses++;
    site.keys.add(fields[8]);
    sites.set(code, site);
  }
  return { perRequest: misses / REQUESTS, sites };
}

/** Starts a gateway logging its IC events, warms `kind` up, measures it. */
async function measure(upstreamOrigin, kind, logDir) {
  const logfile = join(logDir, `${MEASURED_KINDS.indexOf(kind)}.log`);
  const gateway = await startGateway({
    cwd: process.argv[2] ?? repoRoot,
    upstreamBaseUrl: `${upstreamOrigin}/v1`,
    nodeArgs: [
      '--log-ic',
      `--logfile=${logfile}`,
      '--no-logfile-per-isolate',
      // Exits on SIGUSR2: a process a signal ends does not flush its log.
      '--import',
      fileURLToPath(new URL('./profile-exit.mjs', import.meta.url)),
    ],
  });
  const pool = new Pool(`http://127.0.0.1:${gateway.port}`, {
    connections: 1,
  });
  await send(pool, kind, WARM_UP);
  await sleep(100);
  const from = statSync(logfile).size;
  await send(pool, kind, REQUESTS);
  await pool.close();
  // The log is complete once the process has exited.
  await stopChild(gateway, 'SIGUSR2');
  return missesIn(readFileSync(logfile, 'utf8'), from);
}

installCleanup();
const upstream = await forkHelper(
  'fake upstream',
  join(repoRoot, 'bench/fake-upstream.mjs'),
);
const logDir = mkdtempSync(join(tmpdir(), 'bench-ic-'));
try {
  console.log(
    '| request | IC misses per request | functions that miss (per request; properties) |',
  );
  console.log('| --- | --- | --- |');
  for (const kind of MEASURED_KINDS) {
    const { perRequest, sites } = await measure(
      `http://127.0.0.1:${upstream.port}`,
      kind,
      logDir,
    );
    const listed = [...sites]
      .filter(([, site]) => site.misses / REQUESTS >= LISTED)
      .sort((a, b) => b[1].misses - a[1].misses)
      .slice(0, SHOWN)
      .map(
        ([code, { misses, keys }]) =>
          `${code} ${(misses / REQUESTS).toFixed(1)} (${[...keys].join(', ')})`,
      );
    console.log(
      `| ${kind[0]} | ${perRequest.toFixed(1)} | ${listed.join('; ') || '–'} |`,
    );
  }
} finally {
  rmSync(logDir, { recursive: true, force: true });
  await stopAll();
}
