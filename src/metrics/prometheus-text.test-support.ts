/** One series of a metric. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/**
 * A parsed Prometheus text exposition, for tests: values are summed over
 * the series whose labels include the given ones.
 */
export class Metrics {
  private readonly samples = new Map<string, Sample[]>();

  constructor(readonly text: string) {
    for (const line of text.split('\n')) {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
      if (!match) {
        continue;
      }
      const labels: Record<string, string> = {};
      for (const [, name, value] of (match[2] ?? '').matchAll(
        /(\w+)="((?:[^"\\]|\\.)*)"/g,
      )) {
        labels[name!] = value!;
      }
      const list = this.samples.get(match[1]!) ?? [];
      list.push({ labels, value: Number(match[3]) });
      this.samples.set(match[1]!, list);
    }
  }

  /** Every series of `name` whose labels include `labels`. */
  series(name: string, labels: Record<string, string> = {}): Sample[] {
    return (this.samples.get(name) ?? []).filter((s) =>
      Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    );
  }

  value(name: string, labels: Record<string, string> = {}): number {
    return this.series(name, labels).reduce((sum, s) => sum + s.value, 0);
  }

  delta(
    before: Metrics,
    name: string,
    labels: Record<string, string> = {},
  ): number {
    return this.value(name, labels) - before.value(name, labels);
  }
}
