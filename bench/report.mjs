/**
 * Turns measurements into Markdown: the machine, one row per run, the
 * subject ÷ reference comparisons, memory, and the issues' targets with
 * pass/miss (report-goals.mjs). `results` maps scenario id → run name →
 * measurement; `memory` maps process name → { idle, peakBytes }.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { mib } from './memory.mjs';
import { comparisons, evaluateGoals, fixed } from './report-goals.mjs';

/** The peer's version, from its installed package. */
const PORTKEY_VERSION = (() => {
  try {
    return JSON.parse(
      readFileSync(
        new URL(
          '../node_modules/@portkey-ai/gateway/package.json',
          import.meta.url,
        ),
        'utf8',
      ),
    ).version;
  } catch {
    return '(not installed)';
  }
})();

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
    node: process.env.BENCH_GATEWAY_NODE
      ? `${process.version} (the gateway: ${process.env.BENCH_GATEWAY_NODE} ${process.env.BENCH_GATEWAY_NODE_FLAGS ?? ''})`.trim()
      : process.version,
    kernel: `${os.type()} ${os.release()}`,
  };
}

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
      return [
        scenario.id,
        scenario.shape,
        name,
        `failed: ${m.error}`,
        ...Array(10).fill(''),
      ];
    }
    return [
      scenario.id,
      scenario.shape,
      name,
      String(scenario.connections),
      thousands(m.rps),
      thousands(m.chunksPerSec),
      fixed(m.p50, 3),
      fixed(m.p99, 3),
      fixed(m.cpuMsPerRequest, 3),
      m.cpuUsPerChunk === null ? '–' : fixed(m.cpuUsPerChunk, 2),
      `${fixed(m.cpuPercent, 0)}%`,
      // Without a reset the kernel's high-water mark runs from the process's start.
      `${fixed(mib(m.peakRssBytes), 0)}${m.peakResetPerSlice ? '' : ' (since start)'}`,
      `${fixed(m.foreignPercent, 0)}%`,
      `${m.sample.ok ? 'ok' : 'BAD'} (${m.sample.detail})${m.failures ? `, ${m.failures} failed` : ''}`,
    ];
  });
}

function memoryRows(memory) {
  return [...memory].map(([name, { idle, peakBytes }]) => [
    name,
    `${fixed(mib(idle.bytes), 1)} (${idle.how})`,
    fixed(mib(peakBytes), 1),
  ]);
}

const RUN_COLUMNS = [
  'scenario',
  'upstream',
  'run',
  'conns',
  'req/s',
  'chunks/s',
  'p50 ms',
  'p99 ms',
  'CPU ms/req',
  'CPU µs/chunk',
  'CPU',
  'peak RSS MiB',
  'other load',
  'sample check',
];
const PAIR_COLUMNS = [
  'scenario',
  'upstream',
  'pair',
  'req/s ratio',
  'chunks/s ratio',
  'CPU/chunk (stream) or CPU/req ratio',
  'p50 difference',
];

/** The tables alone, for the console: runs, comparisons, memory, targets. */
export function renderTables(scenarios, results, memory = new Map()) {
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
  const goals = evaluateGoals(scenarios, results, memory);
  return [
    table(RUN_COLUMNS, runRowsAll),
    table(PAIR_COLUMNS, comparisonRows),
    table(
      ['process', 'idle RSS MiB', 'peak RSS under load MiB'],
      memoryRows(memory),
    ),
    table(
      [
        'scenario',
        'upstream',
        'target (from the issues)',
        'measured',
        'result',
      ],
      goals.map((goal) => [
        goal.scenario,
        goal.shape,
        goal.target,
        goal.measured,
        goal.pass ? '✅ pass' : '❌ miss',
      ]),
    ),
  ];
}

/** ` (10 s for x, y)`: the scenarios and runs whose own warm-up is longer than the default. */
function longWarmups(scenarios, results, settings) {
  const longer = [];
  for (const scenario of scenarios.filter((s) => results.has(s.id))) {
    const own = (scenario.warmupSeconds ?? 0) > settings.warmupSeconds;
    if (own) {
      longer.push(`${scenario.warmupSeconds} s for \`${scenario.id}\``);
    }
    for (const run of scenario.runs) {
      if ((run.warmupSeconds ?? 0) > settings.warmupSeconds && !own) {
        longer.push(
          `${run.warmupSeconds} s for \`${scenario.id}\` ${run.name}`,
        );
      }
    }
  }
  return longer.length === 0
    ? ''
    : ` (${longer.join(', ')}: a path still cold when its scenario starts)`;
}

/** The whole RESULTS.md; `notes` is the hand-written tail kept from the last file. */
export function renderResults({
  date,
  gatewayLog,
  machine,
  settings,
  scenarios,
  results,
  memory,
  notes,
}) {
  const [runs, pairs, memoryTable, goals] = renderTables(
    scenarios,
    results,
    memory,
  );
  const titles = scenarios
    .filter((s) => results.has(s.id))
    .map((s) => `- \`${s.id}\`: ${s.title}`);
  return `# Benchmark results

Generated by \`npm run bench\` (bench/run.mjs); see bench/README.md. Do not edit above the notes marker: the next run rewrites it.

- Date: ${date}
- Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB.toFixed(1)} GiB RAM, ${machine.kernel}
- Node: ${machine.node}
- Each run: ${settings.warmupSeconds} s warm-up${longWarmups(scenarios, results, settings)}, then ${settings.seconds} s measured in ${settings.rounds} slices interleaved with the scenario's other runs. The fake upstream, the floor proxy, the gateway, Portkey's gateway and the minimal gateway are separate processes; autocannon runs in the bench process.
- Targets: \`direct\` is the fake upstream itself; \`floor\` is bench/floor-proxy.mjs (node:http, one undici Pool, the body piped back unparsed), the reference of every ratio; \`gateway\` is the built gateway; \`portkey\` is @portkey-ai/gateway ${PORTKEY_VERSION} routed to the fake upstream as a custom OpenAI host; \`minimal\` is bench/minimal-gateway.mjs, a reference: the least a gateway does per request on the gateway's own stack. The upstream column is the fake upstream's wire shape: \`openai\` (OpenAI's own API, usage:null and obfuscation on every chunk) or \`vllm\` (vLLM's current server).
- CPU is the serving process's user + system time (/proc/<pid>/stat) over the measured slices: the fake upstream for \`direct\`, the proxy otherwise; the CPU column is that time as a share of one core. Peak RSS is the serving process's VmHWM, reset before each slice. "Other load" is the machine's busy time not spent by the bench's own processes, as a share of all cores: anything above a few percent means the numbers are noisy.

## Scenarios

${titles.join('\n')}

## Runs

${runs}

## Comparisons

${pairs}

## Memory

Idle RSS: after start, once the process answered, after a forced GC (\`--expose-gc\`, bench/gc-probe.mjs).

${memoryTable}

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
