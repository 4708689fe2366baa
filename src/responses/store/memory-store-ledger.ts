/** Something that holds entries counted against the in-memory budget. */
export interface MemoryHolder {
  /** What it counts against the budget now. */
  readonly bytes: number;
  /** The ledger stamp of its least recently used entry; undefined when empty. */
  oldestUse(): number | undefined;
  /** Drops its least recently used entry. */
  evictOldest(): void;
}

/**
 * The in-memory stores of one process (responses, conversations) share one
 * byte budget, MEMORY_STORE_MAX_BYTES, as one LRU: each stamps an entry it
 * uses (stamp()), and past the budget the least recently used entry of any
 * of them goes, whichever store wrote. (Each store evicting only its own
 * would let one starve the other, or hold the budget exceeded.)
 */
export class MemoryStoreLedger {
  private readonly holders = new Set<MemoryHolder>();
  private clock = 0;

  join(holder: MemoryHolder): void {
    this.holders.add(holder);
  }

  /** A use's place in the shared recency order: larger is more recent. */
  stamp(): number {
    this.clock += 1;
    return this.clock;
  }

  /** What every holder counts. */
  get bytes(): number {
    let bytes = 0;
    for (const holder of this.holders) {
      bytes += holder.bytes;
    }
    return bytes;
  }

  /** Evicts least recently used entries, of any holder, until all fit in `maxBytes`. */
  fit(maxBytes: number): void {
    let total = this.bytes;
    while (total > maxBytes) {
      const holder = this.leastRecentlyUsed();
      if (holder === undefined) {
        return;
      }
      holder.evictOldest();
      const after = this.bytes;
      if (after >= total) {
        return;
      }
      total = after;
    }
  }

  private leastRecentlyUsed(): MemoryHolder | undefined {
    let oldest: { holder: MemoryHolder; use: number } | undefined;
    for (const holder of this.holders) {
      const use = holder.oldestUse();
      if (use !== undefined && (oldest === undefined || use < oldest.use)) {
        oldest = { holder, use };
      }
    }
    return oldest?.holder;
  }
}
