/**
 * `npm run bench:ic`: the misses of V8's inline caches per request in the
 * gateway, and the hidden classes it makes per request, for each kind of
 * request-kinds.mjs (the agent's too), and the code that does it.
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
 * warm-up ends), and quick.
 *
 * A hidden class made per request (V8's `--log-maps`: a transition that
 * makes a new class, or an object turned into a dictionary) is the same
 * fault seen from the other side, and on Node 20 its object also outlives
 * young GCs: each is listed by the code that made it and the key it added
 * (bench/README.md, "Pretenuring and hidden classes"). `node bench/inline-caches.mjs DIR` measures the
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

/** Per-request counts of events by site: the code that caused them, and the keys. */
class Sites {
  count = 0;
  #byCode = new Map();

  add(code, key) {
    this.count++;
    const site = this.#byCode.get(code) ?? { count: 0, keys: new Set() };
    site.count++;
    site.keys.add(key);
    this.#byCode.set(code, site);
  }

  /** The most frequent sites, as text: `code 1.0 (key, …)`; '–' for none. */
  listed() {
    const listed = [...this.#byCode]
      .filter(([, site]) => site.count / REQUESTS >= LISTED)
      .sort((a, b) => b[1].count - a[1].count)
      .slice(0, SHOWN)
      .map(
        ([code, { count, keys }]) =>
          `${code} ${(count / REQUESTS).toFixed(1)} (${[...keys].join(', ')})`,
      );
    return listed.join('; ') || '–';
  }
}

/** Map events that make a hidden class (not the deprecations and the like). */
const NEW_CLASS_EVENTS = new Set([
  'Transition',
  'Normalize',
  'NormalizeCached',
]);

/**
 * The IC misses and new hidden classes logged past byte `from`, by the
 * function whose code caused them.
 */
function eventsIn(log, from) {
  const codes = new CodeMap();
  const misses = new Sites();
  const classes = new Sites();
  let offset = 0;
  for (const line of log.split('\n')) {
    const measured = offset >= from;
    offset += Buffer.byteLength(line) + 1;
    const fields = line.split(',');
    const codeAt = (pc) =>
      codes
        .nameAt(parseInt(pc, 16))
        .replace(/file:\/\/|\/[^ ]*\/(?=(dist|node_modules)\/)/g, '')
        .split(',')[0];
    if (/IC$/.test(fields[0])) {
      // type, pc, time, line, column, old state, new state, map, key, …
      if (measured) misses.add(codeAt(fields[1]), fields[8]);
    } else if (fields[0] === 'map') {
      // map, kind, time, from, to, pc, line, column, reason, key
      if (measured && NEW_CLASS_EVENTS.has(fields[1])) {
        classes.add(codeAt(fields[5]), fields[9] || fields[1]);
      }
    } else {
      codes.note(fields);
    }
  }
  return { misses, classes };
}

/** Starts a gateway logging its IC events, warms `kind` up, measures it. */
async function measure(upstreamOrigin, kind, logDir) {
  const logfile = join(logDir, `${MEASURED_KINDS.indexOf(kind)}.log`);
  const gateway = await startGateway({
    cwd: process.argv[2] ?? repoRoot,
    upstreamBaseUrl: `${upstreamOrigin}/v1`,
    nodeArgs: [
      '--log-ic',
      '--log-maps',
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
  return eventsIn(readFileSync(logfile, 'utf8'), from);
}

installCleanup();
const upstream = await forkHelper(
  'fake upstream',
  join(repoRoot, 'bench/fake-upstream.mjs'),
);
const logDir = mkdtempSync(join(tmpdir(), 'bench-ic-'));
try {
  console.log(
    '| request | IC misses per request | functions that miss (per request; properties) | new hidden classes per request | code that makes them (per request; keys) |',
  );
  console.log('| --- | --- | --- | --- | --- |');
  for (const kind of MEASURED_KINDS) {
    const { misses, classes } = await measure(
      `http://127.0.0.1:${upstream.port}`,
      kind,
      logDir,
    );
    console.log(
      `| ${kind[0]} | ${(misses.count / REQUESTS).toFixed(1)} | ${misses.listed()} | ${(classes.count / REQUESTS).toFixed(1)} | ${classes.listed()} |`,
    );
  }
} finally {
  rmSync(logDir, { recursive: true, force: true });
  await stopAll();
}
