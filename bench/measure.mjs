/**
 * Measuring one run of a scenario: a sample request checked with undici, a
 * warm-up, then measured slices of autocannon load with the serving process's
 * CPU time read before and after each. Slices of several runs are
 * interleaved by run.mjs (A B C A B C …) so drifting machine load hits every
 * run alike; `summarize` merges a run's slices.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';
import { request } from 'undici';
import { peakBytes, resetPeak } from './memory.mjs';
import { cpuTimeMs } from './processes.mjs';

/** The p-th percentile (0–100) of an ascending-sorted array; NaN when empty. */
export function percentile(sorted, p) {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/** Busy time of the whole machine so far (all cores, idle and iowait excluded), in ms. */
export function machineBusyMs() {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .map(Number);
  // user nice system idle iowait irq softirq steal: drop idle (3) and iowait (4).
  const busy = ticks
    .slice(0, 8)
    .reduce((sum, value, i) => (i === 3 || i === 4 ? sum : sum + value), 0);
  return busy * 10;
}

/** The items of a JSON answer: a completion's choices or a list's data; -1 when it is neither. */
function answerItems(text) {
  try {
    const answer = JSON.parse(text);
    return (answer.choices ?? answer.data)?.length ?? -1;
  } catch {
    return -1;
  }
}

/**
 * Sends one request with undici and checks the answer before any load:
 * a 2xx status, and for streams exactly `chunksPerRequest` chunks, else a
 * JSON body with at least one choice (or list entry).
 */
export async function checkSample(url, spec) {
  const response = await request(url, {
    method: spec.method,
    headers: headersOf(spec),
    body: spec.body ? JSON.stringify(spec.body) : undefined,
  });
  const text = await response.body.text();
  const statusOk = response.statusCode >= 200 && response.statusCode < 300;
  if (!statusOk) {
    return {
      ok: false,
      detail: `HTTP ${response.statusCode}: ${text.slice(0, 120)}`,
    };
  }
  if (!spec.chunksPerRequest) {
    const items = answerItems(text);
    return {
      ok: items > 0,
      detail:
        items > 0
          ? `HTTP ${response.statusCode}, ${items} ${items === 1 ? 'item' : 'items'}`
          : `HTTP ${response.statusCode}, not an answer: ${text.slice(0, 120)}`,
    };
  }
  const chunks = spec.countChunks(text);
  return {
    ok: chunks === spec.chunksPerRequest,
    detail: `${chunks}/${spec.chunksPerRequest} chunks`,
  };
}

/** The run's own headers (e.g. Portkey's routing headers), and the JSON content type. */
function headersOf(spec) {
  return {
    ...(spec.body ? { 'content-type': 'application/json' } : {}),
    ...spec.headers,
  };
}

function cannon(url, spec, seconds, onResponse) {
  const instance = autocannon({
    url,
    method: spec.method,
    headers: headersOf(spec),
    body: spec.body ? JSON.stringify(spec.body) : undefined,
    connections: spec.connections,
    duration: seconds,
    pipelining: 1,
  });
  if (onResponse) {
    instance.on('response', onResponse);
  }
  return instance;
}

/** The sample check and the warm-up of one run, before its measured slices. */
export async function prepareRun({ url, spec, warmupSeconds }) {
  const sample = await checkSample(url, spec);
  if (warmupSeconds > 0) {
    await cannon(url, spec, warmupSeconds);
  }
  return sample;
}

/**
 * One measured slice. `pid` is the process whose CPU time is charged to the
 * run; `ownPids` are all bench processes, so the rest of the machine's busy
 * time can be reported as foreign load. Latencies are every 2xx response
 * time in full precision (autocannon's histogram rounds to whole ms).
 */
export async function measureSlice({ url, spec, pid, ownPids, seconds }) {
  const latencies = [];
  const peakReset = resetPeak(pid);
  const ownBefore = ownPids.map(cpuTimeMs);
  const busyBefore = machineBusyMs();
  const cpuBefore = cpuTimeMs(pid);
  const result = await cannon(
    url,
    spec,
    seconds,
    (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) {
        latencies.push(ms);
      }
    },
  );
  const cpuMs = cpuTimeMs(pid) - cpuBefore;
  const ownMs = ownPids.reduce(
    (sum, p, i) => sum + cpuTimeMs(p) - ownBefore[i],
    0,
  );
  const foreignMs = Math.max(0, machineBusyMs() - busyBefore - ownMs);
  return {
    latencies,
    peakRssBytes: peakBytes(pid),
    peakReset,
    seconds: result.duration > 0 ? result.duration : seconds,
    failures: result.non2xx + result.errors + result.timeouts,
    cpuMs,
    foreignMs,
  };
}

/** Merges the slices of one run into its figures. */
export function summarize(spec, sample, slices) {
  const latencies = slices.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const seconds = slices.reduce((sum, s) => sum + s.seconds, 0);
  const cpuMs = slices.reduce((sum, s) => sum + s.cpuMs, 0);
  const foreignMs = slices.reduce((sum, s) => sum + s.foreignMs, 0);
  const ok = latencies.length;
  const rps = ok / seconds;
  const chunks = ok * spec.chunksPerRequest;
  return {
    sample,
    requests: ok,
    seconds,
    rps,
    chunksPerSec: spec.chunksPerRequest ? rps * spec.chunksPerRequest : null,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failures: slices.reduce((sum, s) => sum + s.failures, 0),
    // The highest of the slices' peaks: each slice starts a new high-water mark.
    peakRssBytes: Math.max(...slices.map((s) => s.peakRssBytes)),
    peakResetPerSlice: slices.every((s) => s.peakReset),
    cpuMs,
    cpuMsPerRequest: ok ? cpuMs / ok : Number.NaN,
    cpuUsPerChunk: chunks ? (cpuMs * 1000) / chunks : null,
    cpuPercent: (cpuMs / (seconds * 1000)) * 100,
    foreignPercent:
      (foreignMs / (seconds * 1000 * os.availableParallelism())) * 100,
  };
}
