import { WINDOW_SECONDS } from './limit-store.js';

/**
 * One per-minute window of the in-memory store: what was taken in each of
 * the last WINDOW_SECONDS seconds (redis-limit-script.ts keeps the same
 * buckets in a hash). Buckets older than the window are dropped on use.
 */
export class SecondBuckets {
  private readonly buckets = new Map<number, number>();

  /** What the window holds at `second` (older buckets are dropped). */
  used(second: number): number {
    let used = 0;
    for (const [bucket, amount] of this.buckets) {
      if (bucket <= second - WINDOW_SECONDS) {
        this.buckets.delete(bucket);
      } else {
        used += amount;
      }
    }
    return used;
  }

  add(second: number, amount: number): void {
    if (amount > 0) {
      this.buckets.set(second, (this.buckets.get(second) ?? 0) + amount);
    }
  }

  /** Takes back up to `amount` from `second`'s bucket, when it is still there. */
  remove(second: number, amount: number): void {
    const left = (this.buckets.get(second) ?? 0) - amount;
    if (left > 0) {
      this.buckets.set(second, left);
    } else {
      this.buckets.delete(second);
    }
  }

  /**
   * Milliseconds from `nowMs` until `needed` more has left the window (the
   * oldest buckets leave first); until it is empty when it never holds
   * that much.
   */
  msUntilFreed(needed: number, nowMs: number): number {
    const seconds = [...this.buckets.keys()].sort((a, b) => a - b);
    let freed = 0;
    for (const second of seconds) {
      freed += this.buckets.get(second)!;
      if (freed >= needed) {
        return leavesAt(second) - nowMs;
      }
    }
    return this.msUntilEmpty(nowMs) || WINDOW_SECONDS * 1000;
  }

  /** Milliseconds from `nowMs` until the window holds nothing; 0 when it is empty. */
  msUntilEmpty(nowMs: number): number {
    let newest: number | undefined;
    for (const second of this.buckets.keys()) {
      newest = newest === undefined ? second : Math.max(newest, second);
    }
    return newest === undefined ? 0 : leavesAt(newest) - nowMs;
  }
}

/** The instant (ms) a bucket of `second` leaves the window. */
function leavesAt(second: number): number {
  return (second + WINDOW_SECONDS) * 1000;
}
