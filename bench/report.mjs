/**
 * Turns measurements into Markdown: the machine, one row per run, the
 * subject ÷ reference comparisons and the issue's targets with pass/miss.
 * `results` maps scenario id → run name → measurement.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Everything after this marker in RESULTS.md is hand-written and kept across runs. */
export const NOTES_MARKER = '<!-- notes: kept across runs -->';

/** CPU model, cores, memory, Node and kernel of this machine. */
export function machineInfo() {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((text) => text.startsWith('model name'));
    cpuModel = line ? line.split(':')[1].trim() : cpuModel;
  } catch {
    // Not Linux: os.cpus() is the best there is.
  }
  return {
    cpuModel,
    cores: os.availableParallelism(),
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
  };
}

const fixed = (value, digits) =>
  value === null || value === undefined || Number.isNaN(value)
    ? '–'
    : value.toFixed(digits);
const thousands = (value) =>
  value === null || value === undefined || Number.isNaN(value)
    ? '–'
    : Math.round(value).toLocaleString('en-US');

function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join(
    '\n',
  );
}

function runRows(scenario, runs) {
  return [...runs].map(([name, m]) => {
    if (m.error) {
      return [scenario.id, name, `failed: ${m.error}`, ...Array(9).fill('')];
    }
    return [
      scenario.id,
      name,
      String(scenario.connections),
      thousands(m.rps),
      thousands(m.chunksPerSec),
      fixed(m.p50, 3),
      fixed(m.p99, 3),
      fixed(m.cpuMsPerRequest, 3),
      m.cpuUsPerChunk === null ? '–' : fixed(m.cpuUsPerChunk, 2),
      `${fixed(m.cpuPercent, 0)}%`,
      `${fixed(m.foreignPercent, 0)}%`,
      `${m.sample.ok ? 'ok' : 'BAD'} (${m.sample.detail})${m.failures ? `, ${m.failures} failed` : ''}`,
    ];
  });
}

const ratio = (a, b) => (a === null || b === null || !b ? Number.NaN : a / b);

/** Subject ÷ reference figures of every `compare` and `addedLatency` pair. */
export function comparisons(scenario, runs) {
  const rows = [];
  for (const [subject, reference] of scenario.compare ?? []) {
    const s = runs.get(subject);
    const r = runs.get(reference);
    if (!s || !r || s.error || r.error) {
      continue;
    }
    rows.push([
      scenario.id,
      `${subject} ÷ ${reference}`,
      `${fixed(ratio(s.rps, r.rps), 2)}×`,
      scenario.chunksPerRequest
        ? `${fixed(ratio(s.chunksPerSec, r.chunksPerSec), 2)}×`
        : '–',
      `${fixed(ratio(s.cpuMsPerRequest, r.cpuMsPerRequest), 2)}×`,
      `${fixed(s.p50 - r.p50, 3)} ms`,
    ]);
  }
  for (const [subject, reference] of scenario.addedLatency ?? []) {
    const s = runs.get(subject);
    const r = runs.get(reference);
    if (!s || !r || s.error || r.error) {
      continue;
    }
    rows.push([
      scenario.id,
      `${subject} − ${reference} (added latency)`,
      '',
      '',
      '',
      `${fixed(s.p50 - r.p50, 3)} ms p50, ${fixed(s.p99 - r.p99, 3)} ms p99`,
    ]);
  }
  return rows;
}

const METRIC_NAMES = {
  rps: 'requests/s',
  chunksPerSec: 'chunks/s',
  cpuUsPerChunk: 'CPU per chunk',
  cpuMsPerRequest: 'CPU per request',
};

/** Every goal of every scenario with its measured value and pass/miss. */
export function evaluateGoals(scenarios, results) {
  const rows = [];
  for (const scenario of scenarios) {
    const runs = results.get(scenario.id) ?? new Map();
    for (const goal of scenario.goals ?? []) {
      const s = runs.get(goal.subject);
      const r = runs.get(goal.reference);
      const valid =
        s && r && !s.error && !r.error && s.sample.ok && r.sample.ok;
      if (goal.kind === 'ratio') {
        const value = valid
          ? ratio(s[goal.metric], r[goal.metric])
          : Number.NaN;
        const name = METRIC_NAMES[goal.metric] ?? goal.metric;
        // `min` bounds a throughput ratio from below, `max` a cost ratio from above.
        const bound =
          goal.max === undefined ? `≥ ${goal.min}` : `≤ ${goal.max}`;
        rows.push({
          scenario: scenario.id,
          target: `${goal.subject} ${name} ${bound}× ${goal.reference}`,
          measured: `${fixed(value, 2)}×`,
          pass: goal.max === undefined ? value >= goal.min : value <= goal.max,
        });
      } else if (goal.kind === 'addedP50PerChunk') {
        // The p50 difference of whole streams spread over their chunks.
        const value = valid
          ? ((s.p50 - r.p50) * 1000) / scenario.chunksPerRequest
          : Number.NaN;
        rows.push({
          scenario: scenario.id,
          target: `${goal.subject} p50 < ${goal.maxUs} µs per chunk over ${goal.reference}`,
          measured: `${fixed(value, 2)} µs per chunk`,
          pass: value < goal.maxUs,
        });
      } else {
        const value = valid ? s.p50 - r.p50 : Number.NaN;
        rows.push({
          scenario: scenario.id,
          target: `${goal.subject} p50 ≤ ${goal.maxMs} ms over ${goal.reference}`,
          measured: `${fixed(value, 3)} ms`,
          pass: value <= goal.maxMs,
        });
      }
    }
  }
  return rows;
}

/** The tables alone, for the console. */
export function renderTables(scenarios, results) {
  const runRowsAll = [];
  const comparisonRows = [];
  for (const scenario of scenarios) {
    const runs = results.get(scenario.id);
    if (!runs) {
      continue;
    }
    runRowsAll.push(...runRows(scenario, runs));
    comparisonRows.push(...comparisons(scenario, runs));
  }
  const goals = evaluateGoals(scenarios, results);
  return [
    table(
      [
        'scenario',
        'run',
        'conns',
        'req/s',
        'chunks/s',
        'p50 ms',
        'p99 ms',
        'CPU ms/req',
        'CPU µs/chunk',
        'CPU',
        'other load',
        'sample check',
      ],
      runRowsAll,
    ),
    table(
      [
        'scenario',
        'pair',
        'req/s ratio',
        'chunks/s ratio',
        'CPU/req ratio',
        'p50 difference',
      ],
      comparisonRows,
    ),
    table(
      ['scenario', 'target (from the issue)', 'measured', 'result'],
      goals.map((goal) => [
        goal.scenario,
        goal.target,
        goal.measured,
        goal.pass ? '✅ pass' : '❌ miss',
      ]),
    ),
  ];
}

/** ` (10 s for x, y)`: the scenarios whose own warm-up is longer than the default. */
function longWarmups(scenarios, results, settings) {
  const longer = scenarios.filter(
    (s) => results.has(s.id) && (s.warmupSeconds ?? 0) > settings.warmupSeconds,
  );
  return longer.length === 0
    ? ''
    : ` (${longer.map((s) => `${s.warmupSeconds} s for \`${s.id}\``).join(', ')}: a path still cold when its scenario starts)`;
}

/** The whole RESULTS.md; `notes` is the hand-written tail kept from the last file. */
export function renderResults({
  date,
  gatewayLog,
  machine,
  settings,
  scenarios,
  results,
  notes,
}) {
  const [runs, pairs, goals] = renderTables(scenarios, results);
  const titles = scenarios
    .filter((s) => results.has(s.id))
    .map((s) => `- \`${s.id}\`: ${s.title}`);
  return `# Benchmark results

Generated by \`npm run bench\` (bench/run.mjs); see bench/README.md. Do not edit above the notes marker: the next run rewrites it.

- Date: ${date}
- Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB.toFixed(1)} GiB RAM, ${machine.kernel}
- Node: ${machine.node}
- Each run: ${settings.warmupSeconds} s warm-up${longWarmups(scenarios, results, settings)}, then ${settings.seconds} s measured in ${settings.rounds} slices interleaved with the scenario's other runs. The fake upstream, the baseline proxy and the gateway are separate processes; autocannon runs in the bench process.
- CPU is the serving process's user + system time (/proc/<pid>/stat) over the measured slices: the fake upstream for \`direct\`, the proxy for \`baseline\` and \`gateway\`; the CPU column is that time as a share of one core. "Other load" is the machine's busy time not spent by the bench's own processes, as a share of all cores: anything above a few percent means the numbers are noisy.

## Scenarios

${titles.join('\n')}

## Runs

${runs}

## Comparisons

${pairs}

## Targets

${goals}

## Gateway log during the run (LOG_LEVEL=warn)

${gatewayLog.length ? gatewayLog.map((line) => `- ${line}`).join('\n') : 'Nothing.'}

${NOTES_MARKER}
${notes ?? ''}`;
}

/** The hand-written notes after the marker in an existing RESULTS.md. */
export function keptNotes(previous) {
  const at = previous.indexOf(NOTES_MARKER);
  return at < 0
    ? ''
    : previous.slice(at + NOTES_MARKER.length).replace(/^\n/, '');
}
