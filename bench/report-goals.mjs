/**
 * The figures report.mjs derives from the runs: subject ÷ reference
 * comparisons, added latency, and the issues' targets with pass/miss.
 * `results` maps scenario id → run name → measurement.
 */
import { mib } from './memory.mjs';
import { MEMORY_GOALS } from './scenarios.mjs';

export const fixed = (value, digits) =>
  value === null || value === undefined || Number.isNaN(value)
    ? '–'
    : value.toFixed(digits);

const ratio = (a, b) => (a === null || b === null || !b ? Number.NaN : a / b);

/** Both runs of a pair, when both were measured. */
function pair(runs, subject, reference) {
  const s = runs.get(subject);
  const r = runs.get(reference);
  return s && r && !s.error && !r.error ? [s, r] : undefined;
}

/** Subject ÷ reference figures of every `compare` and `addedLatency` pair. */
export function comparisons(scenario, runs) {
  const rows = [];
  for (const [subject, reference] of scenario.compare ?? []) {
    const both = pair(runs, subject, reference);
    if (!both) {
      continue;
    }
    const [s, r] = both;
    const streamed = scenario.chunksPerRequest > 0;
    rows.push([
      scenario.id,
      scenario.shape,
      `${subject} ÷ ${reference}`,
      `${fixed(ratio(s.rps, r.rps), 2)}×`,
      streamed ? `${fixed(ratio(s.chunksPerSec, r.chunksPerSec), 2)}×` : '–',
      streamed
        ? `${fixed(ratio(s.cpuUsPerChunk, r.cpuUsPerChunk), 2)}×`
        : `${fixed(ratio(s.cpuMsPerRequest, r.cpuMsPerRequest), 2)}×`,
      `${fixed(s.p50 - r.p50, 3)} ms`,
    ]);
  }
  for (const [subject, reference] of scenario.addedLatency ?? []) {
    const both = pair(runs, subject, reference);
    if (!both) {
      continue;
    }
    const [s, r] = both;
    rows.push([
      scenario.id,
      scenario.shape,
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

/** One scenario goal: { target, measured, pass }. */
function evaluateGoal(scenario, goal, s, r) {
  const valid = s && r && !s.error && !r.error && s.sample.ok && r.sample.ok;
  if (goal.kind === 'ratio') {
    const value = valid ? ratio(s[goal.metric], r[goal.metric]) : Number.NaN;
    const name = METRIC_NAMES[goal.metric] ?? goal.metric;
    // `min` bounds a throughput ratio from below, `max` a cost ratio from above.
    const bound = goal.max === undefined ? `≥ ${goal.min}` : `≤ ${goal.max}`;
    return {
      target: `${goal.subject} ${name} ${bound}× ${goal.reference}`,
      measured: `${fixed(value, 2)}×`,
      pass: goal.max === undefined ? value >= goal.min : value <= goal.max,
    };
  }
  if (goal.kind === 'addedP50PerChunk') {
    // The p50 difference of whole streams spread over their chunks.
    const value = valid
      ? ((s.p50 - r.p50) * 1000) / scenario.chunksPerRequest
      : Number.NaN;
    return {
      target: `${goal.subject} p50 < ${goal.maxUs} µs per chunk over ${goal.reference}`,
      measured: `${fixed(value, 2)} µs per chunk`,
      pass: value < goal.maxUs,
    };
  }
  const value = valid ? s.p50 - r.p50 : Number.NaN;
  return {
    target: `${goal.subject} p50 ≤ ${goal.maxMs} ms over ${goal.reference}`,
    measured: `${fixed(value, 3)} ms`,
    pass: value <= goal.maxMs,
  };
}

/**
 * Every goal of every scenario, then the memory goals, with the measured
 * value and pass/miss. `memory` maps process name → { idle, peakBytes }.
 */
export function evaluateGoals(scenarios, results, memory = new Map()) {
  const rows = [];
  for (const scenario of scenarios) {
    const runs = results.get(scenario.id) ?? new Map();
    for (const goal of scenario.goals ?? []) {
      rows.push({
        scenario: scenario.id,
        shape: scenario.shape,
        ...evaluateGoal(
          scenario,
          goal,
          runs.get(goal.subject),
          runs.get(goal.reference),
        ),
      });
    }
  }
  for (const goal of MEMORY_GOALS) {
    const idle = memory.get(goal.process)?.idle;
    const value = idle ? mib(idle.bytes) : Number.NaN;
    rows.push({
      scenario: 'memory',
      shape: '–',
      target: `${goal.process} idle RSS ≤ ${goal.maxMiB} MiB`,
      measured: `${fixed(value, 1)} MiB (${idle?.how ?? 'not measured'})`,
      pass: value <= goal.maxMiB,
    });
  }
  return rows;
}
