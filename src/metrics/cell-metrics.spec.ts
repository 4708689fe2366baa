import fc from 'fast-check';
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CellCounter, CellHistogram } from './cell-metrics.js';

const BUCKETS = [0.005, 0.1, 1, 2.5, 60];
const labelNames = ['route', 'status'] as const;
type Label = (typeof labelNames)[number];

/** One recording: a label set (values with characters the text format escapes) and a value. */
const recording = fc.record({
  labels: fc.record({
    route: fc.constantFrom('/v1/chat/completions', '/a"b\\c', 'line\nbreak'),
    status: fc.constantFrom('200', '499', '502'),
  }),
  value: fc.oneof(
    fc.constantFrom(0, 0.005, 0.1, 1, 60, 61),
    fc.double({ min: 0, max: 100, noNaN: true }),
  ),
});

/** The same recordings in prom-client's metric and in ours, each in its own registry. */
function recordBoth(
  kind: 'counter' | 'histogram',
  recordings: { labels: Record<Label, string>; value: number }[],
): { theirs: Registry; ours: Registry } {
  const theirs = new Registry();
  const ours = new Registry();
  const config = (registry: Registry) => ({
    name: `gateway_test_${kind}`,
    help: 'A test metric.',
    labelNames,
    registers: [registry],
  });
  if (kind === 'counter') {
    const promCounter = new Counter(config(theirs));
    const cellCounter = new CellCounter(config(ours));
    for (const { labels, value } of recordings) {
      promCounter.inc(labels, value);
      cellCounter.inc(labels, value);
    }
  } else {
    const promHistogram = new Histogram({
      ...config(theirs),
      buckets: BUCKETS,
    });
    const cellHistogram = new CellHistogram({
      ...config(ours),
      buckets: BUCKETS,
    });
    for (const { labels, value } of recordings) {
      promHistogram.observe(labels, value);
      cellHistogram.observe(labels, value);
    }
  }
  return { theirs, ours };
}

/** get()'s values without prom-client's empty exemplars. */
async function valuesOf(registry: Registry, name: string): Promise<unknown> {
  const metric = await registry.getSingleMetric(name)!.get();
  return metric.values.map(({ labels, value, ...rest }) => ({
    labels,
    value,
    metricName: (rest as { metricName?: string }).metricName,
  }));
}

describe('cell metrics', () => {
  for (const kind of ['counter', 'histogram'] as const) {
    it(`write the same /metrics text and get() values as prom-client's ${kind}`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(recording, { maxLength: 30 }),
          async (recordings) => {
            const { theirs, ours } = recordBoth(kind, recordings);
            expect(await ours.metrics()).toBe(await theirs.metrics());
            const name = `gateway_test_${kind}`;
            expect(await valuesOf(ours, name)).toEqual(
              await valuesOf(theirs, name),
            );
          },
        ),
        { numRuns: 200 },
      );
    });
  }

  it('refuses what prom-client refuses, and forgets every series on reset', async () => {
    const registry = new Registry();
    const counter = new CellCounter({
      name: 'c_total',
      help: 'c',
      labelNames: ['a'],
      registers: [registry],
    });
    const histogram = new CellHistogram({
      name: 'h',
      help: 'h',
      labelNames: ['a'],
      buckets: [1],
      registers: [registry],
    });
    expect(() => counter.inc({ a: 'x' }, -1)).toThrow('decrease');
    expect(() => histogram.observe({ a: 'x' }, Number.NaN)).toThrow(TypeError);
    counter.inc({ a: 'x' });
    histogram.observe({ a: 'x' }, 2);
    expect(await registry.metrics()).toContain('c_total{a="x"} 1');
    expect(await registry.metrics()).toContain('h_bucket{le="1",a="x"} 0');
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('a="x"');
  });
});
