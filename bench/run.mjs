/**
 * `npm run bench`: starts the fake upstream, the floor proxy, the built
 * gateway and Portkey's gateway as child processes (targets.mjs), runs every
 * scenario of scenarios.mjs against each of its runs, prints the tables and
 * writes bench/RESULTS.md.
 *
 * Settings (environment):
 * - BENCH_SECONDS (default 6) measured and BENCH_WARMUP_SECONDS (default 1.5)
 *   of warm-up per run (longer where a scenario or run sets warmupSeconds); the
 *   measured time is split into BENCH_ROUNDS (default 6) slices, interleaved
 *   with the scenario's other runs;
 * - BENCH_ONLY=id,id runs only those scenarios (RESULTS.md is left alone);
 * - BENCH_PROFILE=1 starts the gateway with --cpu-prof into bench/.tmp/profiles
 *   (RESULTS.md is left alone, as profiling slows the gateway down);
 * - BENCH_GATEWAY_DIR: the directory whose dist/main.js is started (default:
 *   this repository), e.g. a clean build of another commit.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureSlice, prepareRun, summarize } from './measure.mjs';
import { installCleanup, stopAll, stopChild } from './processes.mjs';
import {
  keptNotes,
  machineInfo,
  renderResults,
  renderTables,
} from './report.mjs';
import { SCENARIOS } from './scenarios.mjs';
import { startTargets } from './targets.mjs';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const resultsPath = `${benchDir}RESULTS.md`;
const profileDir = `${benchDir}.tmp/profiles`;

function settings() {
  const only = process.env.BENCH_ONLY?.split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  return {
    seconds: Number(process.env.BENCH_SECONDS ?? 6),
    warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 1.5),
    rounds: Math.max(1, Math.floor(Number(process.env.BENCH_ROUNDS ?? 6))),
    only,
    profile: process.env.BENCH_PROFILE === '1',
    gatewayDir: process.env.BENCH_GATEWAY_DIR ?? repoRoot,
  };
}

/** A run entry of a scenario, named and resolved to its process and request. */
function resolveRun(scenario, run) {
  const entry = typeof run === 'string' ? { name: run, process: run } : run;
  return {
    name: entry.name,
    process: entry.process,
    spec: {
      ...scenario,
      path: entry.path ?? scenario.path,
      body: entry.body ?? scenario.body,
      headers: entry.headers,
      countChunks: entry.countChunks ?? scenario.countChunks,
    },
    warmupSeconds: entry.warmupSeconds ?? scenario.warmupSeconds ?? 0,
  };
}

const message = (error) =>
  error instanceof Error ? error.message : String(error);

/** A run ready to measure: its target's URL, pid and headers, or the target's error. */
function entryFor(scenario, run, processes) {
  const target = processes[run.process];
  if (!target) {
    throw new Error(`${scenario.id}: unknown process '${run.process}'`);
  }
  return {
    ...run,
    spec: { ...run.spec, headers: { ...target.headers, ...run.spec.headers } },
    url: `http://127.0.0.1:${target.port}${run.spec.path}`,
    pid: target.pid,
    slices: [],
    error: target.error,
  };
}

/** Measures the entries' slices in interleaved rounds (A B C A B C …). */
async function measureRounds(entries, ownPids, config) {
  for (let round = 0; round < config.rounds; round += 1) {
    for (const entry of entries.filter((e) => !e.error)) {
      try {
        entry.slices.push(
          await measureSlice({
            ...entry,
            ownPids,
            seconds: config.seconds / config.rounds,
          }),
        );
      } catch (error) {
        entry.error = message(error);
      }
    }
  }
}

/**
 * Prepares every run of a scenario (sample check, warm-up), then measures
 * them in interleaved rounds so that drifting machine load hits each alike.
 */
async function runScenario(scenario, processes, config) {
  const ownPids = [process.pid, ...Object.values(processes).map((p) => p.pid)];
  const entries = scenario.runs.map((run) =>
    entryFor(scenario, resolveRun(scenario, run), processes),
  );
  for (const entry of entries.filter((e) => !e.error)) {
    try {
      entry.sample = await prepareRun({
        ...entry,
        warmupSeconds: Math.max(config.warmupSeconds, entry.warmupSeconds),
      });
    } catch (error) {
      entry.error = message(error);
    }
  }
  await measureRounds(entries, ownPids.filter(Boolean), config);
  const runs = new Map();
  for (const entry of entries) {
    const m = {
      process: entry.process,
      ...(entry.error
        ? { error: entry.error }
        : summarize(entry.spec, entry.sample, entry.slices)),
    };
    runs.set(entry.name, m);
    process.stdout.write(
      m.error
        ? `${scenario.id} → ${entry.name}: failed: ${m.error}\n`
        : `${scenario.id} → ${entry.name}: ${Math.round(m.rps)} req/s, p50 ${m.p50.toFixed(3)} ms, sample ${m.sample.ok ? 'ok' : 'BAD'} (${m.sample.detail})\n`,
    );
  }
  return runs;
}

async function runScenarios(config, processes) {
  const scenarios = config.only
    ? SCENARIOS.filter((s) => config.only.includes(s.id))
    : SCENARIOS;
  if (scenarios.length === 0) {
    throw new Error(
      `BENCH_ONLY matched no scenario; ids: ${SCENARIOS.map((s) => s.id).join(', ')}`,
    );
  }
  const plannedSeconds = scenarios
    .flatMap((s) => s.runs.map((r) => resolveRun(s, r)))
    .reduce(
      (sum, run) =>
        sum +
        Math.max(config.warmupSeconds, run.warmupSeconds) +
        config.seconds,
      0,
    );
  process.stdout.write(
    `${scenarios.length} scenarios, about ${Math.round(plannedSeconds)} s of warm-up and load.\n`,
  );
  const results = new Map();
  for (const scenario of scenarios) {
    results.set(scenario.id, await runScenario(scenario, processes, config));
  }
  return { scenarios, results };
}

function healthy(results) {
  for (const runs of results.values()) {
    for (const m of runs.values()) {
      if (m.error || !m.sample.ok) {
        return false;
      }
    }
  }
  return true;
}

/**
 * Idle RSS of each proxy, and its peak RSS under load: the highest peak of
 * the runs it served (each slice resets the kernel's high-water mark).
 */
function memoryFigures(idle, scenarios, results) {
  const memory = new Map();
  for (const [name, idleRss] of idle) {
    memory.set(name, { idle: idleRss, peakBytes: Number.NaN });
  }
  for (const scenario of scenarios) {
    for (const m of results.get(scenario.id)?.values() ?? []) {
      const figures = memory.get(m.process);
      if (figures && !m.error) {
        figures.peakBytes = Math.max(
          Number.isNaN(figures.peakBytes) ? 0 : figures.peakBytes,
          m.peakRssBytes,
        );
      }
    }
  }
  return memory;
}

/** Rewrites RESULTS.md, keeping its hand-written notes. */
function writeResults({ config, scenarios, results, memory, gatewayLog }) {
  const notes = existsSync(resultsPath)
    ? keptNotes(readFileSync(resultsPath, 'utf8'))
    : '';
  writeFileSync(
    resultsPath,
    renderResults({
      date: new Date().toISOString(),
      gatewayLog,
      machine: machineInfo(),
      settings: config,
      scenarios,
      results,
      memory,
      notes,
    }),
  );
  process.stdout.write(`\nWrote ${resultsPath}\n`);
}

async function main() {
  installCleanup();
  const config = settings();
  const entry = join(config.gatewayDir, 'dist/main.js');
  if (!existsSync(entry)) {
    throw new Error(`${entry} is missing: \`npm run bench\` builds it first.`);
  }
  const started = Date.now();
  const { targets: processes, idle } = await startTargets({
    config,
    benchDir,
    repoRoot,
    profileDir,
  });
  const { scenarios, results } = await runScenarios(config, processes);
  const memory = memoryFigures(idle, scenarios, results);
  if (config.profile) {
    await stopChild(processes.gateway, 'SIGUSR2');
    process.stdout.write(`\nCPU profile written to ${profileDir}\n`);
  }
  // Snapshot before shutdown: only what was logged while under load counts.
  const gatewayLog = [...processes.gateway.logCounts].map(
    ([line, count]) => `${count}× ${line}`,
  );
  await stopAll();

  process.stdout.write(
    `\n${renderTables(scenarios, results, memory).join('\n\n')}\n`,
  );
  process.stdout.write(
    `\nGateway log lines during the run (LOG_LEVEL=warn): ${gatewayLog.length ? `\n${gatewayLog.join('\n')}` : 'none'}\n`,
  );
  if (config.only || config.profile) {
    process.stdout.write(
      '\nPartial or profiled run: RESULTS.md left unchanged.\n',
    );
  } else {
    writeResults({ config, scenarios, results, memory, gatewayLog });
  }
  process.stdout.write(
    `Bench took ${Math.round((Date.now() - started) / 1000)} s.\n`,
  );
  process.exitCode = healthy(results) ? 0 : 1;
}

main().catch(async (error) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  await stopAll();
  process.exit(1);
});
