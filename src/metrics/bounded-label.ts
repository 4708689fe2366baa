/** The label value of everything a {@link BoundedLabel} does not know. */
export const OTHER_LABEL_VALUE = 'other';

/**
 * The values one Prometheus label may take: those the gateway learned from
 * its configuration and its upstreams, up to `capacity`; anything else is
 * counted as `other`. A label fed with a client's or an upstream's text
 * would make one series per distinct value, and prom-client keeps every
 * series for the life of the process.
 */
export class BoundedLabel {
  private readonly known = new Set<string>();

  constructor(readonly capacity: number) {}

  /** How many values are known. */
  get size(): number {
    return this.known.size;
  }

  /** Learns values until the capacity is reached; later ones stay `other`. */
  allow(values: Iterable<string>): void {
    for (const value of values) {
      if (this.known.size >= this.capacity) {
        return;
      }
      if (value !== '') {
        this.known.add(value);
      }
    }
  }

  /** The label value for `value`: itself when known, else `other`. */
  of(value: string | null | undefined): string {
    return typeof value === 'string' && this.known.has(value)
      ? value
      : OTHER_LABEL_VALUE;
  }
}
