/**
 * What load.mjs and soak.mjs share: the gateway's memory from /proc, the
 * machine's other load, percentiles, and their section of LOAD-RESULTS.md.
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { machineBusyMs, percentile } from './measure.mjs';
import { cpuTimeMs } from './processes.mjs';
import { machineInfo } from './report.mjs';

export { percentile };

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const resultsPath = `${benchDir}LOAD-RESULTS.md`;

/**
 * The directory whose dist/main.js is started: LOAD_GATEWAY_DIR, else the
 * repository. LOAD_PRIVATE_BUILD=1 compiles src/ into bench/.tmp/gateway
 * first, so a build another process starts meanwhile cannot swap dist/ out
 * from under a long run.
 */
export function gatewayDir() {
  if (process.env.LOAD_GATEWAY_DIR) {
    return process.env.LOAD_GATEWAY_DIR;
  }
  if (process.env.LOAD_PRIVATE_BUILD !== '1') {
    return repoRoot;
  }
  const dir = `${benchDir}.tmp/gateway`;
  mkdirSync(dir, { recursive: true });
  execFileSync(
    'npx',
    ['tsc', '-p', 'tsconfig.build.json', '--outDir', `${dir}/dist`],
    { cwd: repoRoot, stdio: 'inherit' },
  );
  // package-info.ts reads ../../package.json from dist/health/.
  copyFileSync(`${repoRoot}package.json`, `${dir}/package.json`);
  return dir;
}

/**
 * The gateway's NODE_OPTIONS: LOAD_GATEWAY_NODE_OPTIONS when set (empty for
 * Node's defaults), else the Helm chart's default `nodeOptions`, so the load
 * is measured on the gateway as it is deployed.
 */
function gatewayNodeOptions() {
  const chosen = process.env.LOAD_GATEWAY_NODE_OPTIONS;
  if (chosen !== undefined) {
    return { options: chosen, source: 'LOAD_GATEWAY_NODE_OPTIONS' };
  }
  const values = parseYaml(
    readFileSync(`${repoRoot}helm/open-responses-gateway/values.yaml`, 'utf8'),
  );
  return {
    options: [chartHeapCap(values), values.nodeOptions ?? '']
      .filter(Boolean)
      .join(' '),
    source: "the Helm chart's default",
  };
}

/**
 * The chart's `--max-old-space-size`: heapPercentOfMemoryLimit of
 * resources.limits.memory (see its _helpers.tpl; Mi and Gi only here).
 */
function chartHeapCap(values) {
  const match = /^(\d+)(Mi|Gi)$/.exec(String(values.resources?.limits?.memory));
  if (!match) {
    return '';
  }
  const mib = Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
  const heap = Math.floor((mib * values.heapPercentOfMemoryLimit) / 100);
  return `--max-old-space-size=${heap}`;
}

/** Extra environment of the gateway (its NODE_OPTIONS), without touching this process's own. */
export function gatewayEnv() {
  const { options } = gatewayNodeOptions();
  return options ? { NODE_OPTIONS: options } : {};
}

/** The gateway's node options, for the reports. */
export function gatewayOptionsNote() {
  const { options, source } = gatewayNodeOptions();
  return options
    ? `NODE_OPTIONS=\`${options}\` (${source})`
    : "Node's default heap settings";
}

/** Resident memory of a process in MiB, from /proc/<pid>/status (VmRSS). */
export function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
  return kib / 1024;
}

/** Samples a process's RSS every `everyMs`; `stop()` returns the peak and the samples. */
export function sampleRss(pid, everyMs = 250) {
  const samples = [rssMiB(pid)];
  const timer = setInterval(() => {
    try {
      samples.push(rssMiB(pid));
    } catch {
      // The process is gone; the last sample stands.
    }
  }, everyMs);
  return {
    current: () => samples.at(-1),
    samples: () => samples,
    stop() {
      clearInterval(timer);
      return { peak: Math.max(...samples), samples };
    },
  };
}

/**
 * CPU accounting over a run: the gateway's own share of one core, and the
 * machine's busy time that none of `ownPids` spent (other engineers' work)
 * as a share of all cores, as the main bench reports it.
 */
export function cpuMeter(gatewayPid, ownPids) {
  const started = Date.now();
  const gatewayBefore = cpuTimeMs(gatewayPid);
  const ownBefore = ownPids.map(cpuTimeMs);
  const busyBefore = machineBusyMs();
  const loadBefore = os.loadavg()[0];
  return () => {
    const wallMs = Date.now() - started;
    const ownMs = ownPids.reduce(
      (sum, pid, i) => sum + cpuTimeMs(pid) - ownBefore[i],
      0,
    );
    const foreignMs = Math.max(0, machineBusyMs() - busyBefore - ownMs);
    return {
      gatewayCpuPercent:
        ((cpuTimeMs(gatewayPid) - gatewayBefore) / wallMs) * 100,
      /** CPU of each of `ownPids`, as a share of one core. */
      ownCpuPercent: ownPids.map(
        (pid, i) => ((cpuTimeMs(pid) - ownBefore[i]) / wallMs) * 100,
      ),
      otherLoadPercent:
        (foreignMs / (wallMs * os.availableParallelism())) * 100,
      loadAverage: `${loadBefore.toFixed(2)} → ${os.loadavg()[0].toFixed(2)}`,
    };
  };
}

/** A one-line description of this machine for the report. */
export function machineLine() {
  const m = machineInfo();
  return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB.toFixed(1)} GiB RAM, ${m.kernel}, Node ${m.node}`;
}

export const ms = (value) => (Number.isFinite(value) ? value.toFixed(1) : '–');
export const mib = (value) => (Number.isFinite(value) ? value.toFixed(1) : '–');

const HEADER = `# Load and soak results

Written by \`npm run bench:load\` (bench/load.mjs) and \`npm run bench:soak\`
(bench/soak.mjs); see bench/README.md. Each script rewrites its own section
between its markers and keeps the rest of this file.
`;

/**
 * Replaces the section `name` of LOAD-RESULTS.md (between
 * `<!-- name:start -->` and `<!-- name:end -->`) with `markdown`, keeping
 * every other section and any text outside the markers.
 */
export function writeSection(name, markdown) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const previous = existsSync(resultsPath)
    ? readFileSync(resultsPath, 'utf8')
    : HEADER;
  const at = previous.indexOf(start);
  const until = previous.indexOf(end);
  const next =
    at >= 0 && until > at
      ? `${previous.slice(0, at)}${block}${previous.slice(until + end.length)}`
      : `${previous.trimEnd()}\n\n${block}\n`;
  writeFileSync(resultsPath, next);
  return resultsPath;
}
