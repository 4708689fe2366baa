import type { Metric, Registry } from 'prom-client';

type Labels<K extends string> = Readonly<Record<K, string>>;

/** A value of a metric as prom-client's registry writes it out. */
interface ExportedValue {
  labels: Record<string, string | number>;
  sharedLabels?: Record<string, string>;
  value: number;
  metricName?: string;
}

interface Exported {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  values: ExportedValue[];
  aggregator: 'sum';
}

interface CellMetricConfig<K extends string> {
  name: string;
  help: string;
  labelNames: readonly K[];
  registers: readonly Registry[];
}

/**
 * The counters and histograms that every request records into (requests,
 * durations, upstream calls, tokens). prom-client finds a series by a
 * string it builds from the labels on every call and looks up in an object
 * (~3k instructions a counter increment, ~5.5k a histogram observation,
 * seven of them a non-streamed chat request); here each label set has a
 * cell, found through one Map per label, and a call adds to it. Registered
 * in a prom-client Registry, which writes them out: get() and
 * getForPromString() give what prom-client's own Counter and Histogram
 * give, and the spec holds the /metrics text to theirs.
 */
abstract class CellMetric<K extends string, C extends { labels: Labels<K> }> {
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  private readonly labelNames: readonly K[];
  private cells = new Map<unknown, unknown>();
  protected readonly all: C[] = [];

  constructor(config: CellMetricConfig<K>) {
    if (config.labelNames.length === 0) {
      throw new Error(`${config.name}: a cell metric needs a label`);
    }
    this.name = config.name;
    this.help = config.help;
    this.labelNames = config.labelNames;
    for (const registry of config.registers) {
      // The registry only reads name, help, type, aggregator and get():
      // its type names prom-client's own classes.
      registry.registerMetric(this as unknown as Metric);
    }
  }

  /** Forgets every series, as prom-client's reset() does. */
  reset(): void {
    this.cells = new Map();
    this.all.length = 0;
  }

  protected abstract newCell(labels: Labels<K>): C;

  /** The cell of `labels`, made on first use. */
  protected cellOf(labels: Labels<K>): C {
    const names = this.labelNames;
    const last = names.length - 1;
    let node = this.cells;
    for (let at = 0; at < last; at++) {
      const value = labels[names[at]!];
      let next = node.get(value) as Map<unknown, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(value, next);
      }
      node = next;
    }
    const value = labels[names[last]!];
    let cell = node.get(value) as C | undefined;
    if (cell === undefined) {
      cell = this.newCell(this.ownLabels(labels));
      node.set(value, cell);
      this.all.push(cell);
    }
    return cell;
  }

  /** The label names' values, those not undefined (as prom-client leaves them out). */
  private ownLabels(labels: Labels<K>): Labels<K> {
    const own: Record<string, string> = {};
    for (const name of this.labelNames) {
      if (labels[name] !== undefined) {
        own[name] = labels[name];
      }
    }
    return own as Labels<K>;
  }
}

interface CounterCell<K extends string> {
  readonly labels: Labels<K>;
  value: number;
}

/** A counter with labels, as prom-client's Counter writes it out. */
export class CellCounter<K extends string> extends CellMetric<
  K,
  CounterCell<K>
> {
  readonly type = 'counter';

  /** Adds `value` (1 by default) to the series of `labels`. */
  inc(labels: Labels<K>, value = 1): void {
    if (!Number.isFinite(value)) {
      throw new TypeError(`Value is not a valid number: ${value}`);
    }
    if (value < 0) {
      throw new Error('It is not possible to decrease a counter');
    }
    this.cellOf(labels).value += value;
  }

  get(): Promise<Exported> {
    return Promise.resolve({
      help: this.help,
      name: this.name,
      type: this.type,
      values: this.all.map(({ labels, value }) => ({ value, labels })),
      aggregator: this.aggregator,
    });
  }

  protected newCell(labels: Labels<K>): CounterCell<K> {
    return { labels, value: 0 };
  }
}

interface HistogramCell<K extends string> {
  readonly labels: Labels<K>;
  /** Observations per bucket (not cumulative); none for those above the last bound. */
  readonly counts: number[];
  sum: number;
  count: number;
}

/** A histogram with labels, as prom-client's Histogram writes it out. */
export class CellHistogram<K extends string> extends CellMetric<
  K,
  HistogramCell<K>
> {
  readonly type = 'histogram';
  private readonly bounds: readonly number[];

  constructor(config: CellMetricConfig<K> & { buckets: readonly number[] }) {
    super(config);
    this.bounds = [...config.buckets].sort((a, b) => a - b);
  }

  /** Observes `value` in the series of `labels`. */
  observe(labels: Labels<K>, value: number): void {
    if (!Number.isFinite(value)) {
      throw new TypeError(`Value is not a valid number: ${value}`);
    }
    const cell = this.cellOf(labels);
    const bounds = this.bounds;
    let at = 0;
    while (at < bounds.length && value > bounds[at]!) {
      at += 1;
    }
    if (at < bounds.length) {
      cell.counts[at]! += 1;
    }
    cell.sum += value;
    cell.count += 1;
  }

  /** What the registry writes: each bucket's `le` first, then the series' labels. */
  getForPromString(): Promise<Exported> {
    const values: ExportedValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const { labels, counts, sum, count } of this.all) {
      let cumulative = 0;
      this.bounds.forEach((bound, at) => {
        cumulative += counts[at]!;
        values.push(exported({ le: bound }, cumulative, bucket, labels));
      });
      values.push(
        exported({ le: '+Inf' }, count, bucket, labels),
        exported({}, sum, `${this.name}_sum`, labels),
        exported({}, count, `${this.name}_count`, labels),
      );
    }
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      values,
      aggregator: this.aggregator,
    });
  }

  /** As prom-client's get(): the series' labels merged into each value's. */
  async get(): Promise<Exported> {
    const data = await this.getForPromString();
    data.values = data.values.map(({ labels, sharedLabels, ...rest }) => ({
      ...rest,
      labels: { ...labels, ...sharedLabels },
    }));
    return data;
  }

  protected newCell(labels: Labels<K>): HistogramCell<K> {
    return { labels, counts: this.bounds.map(() => 0), sum: 0, count: 0 };
  }
}

function exported(
  labels: Record<string, string | number>,
  value: number,
  metricName: string,
  sharedLabels: Record<string, string>,
): ExportedValue {
  return { labels, sharedLabels, value, metricName };
}
