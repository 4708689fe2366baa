import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The keys clients may present, held only as SHA-256 digests. A presented
 * key is hashed too and compared against every digest with
 * `timingSafeEqual`: equal-length digests mean neither a key's length nor
 * the position of the first differing byte shows in the timing.
 */
export class ApiKeySet {
  private readonly digests: readonly Buffer[];

  private constructor(keys: readonly string[]) {
    this.digests = keys.map(digest);
  }

  /** A set of these keys; null when there are none (inbound auth off). */
  static of(keys: readonly string[]): ApiKeySet | null {
    return keys.length > 0 ? new ApiKeySet(keys) : null;
  }

  get size(): number {
    return this.digests.length;
  }

  /** True when `presented` is one of the keys. */
  matches(presented: string): boolean {
    const candidate = digest(presented);
    let found = false;
    // No early exit: every digest is compared, whichever one matches.
    for (const known of this.digests) {
      found = timingSafeEqual(known, candidate) || found;
    }
    return found;
  }

  /** Never print digests (or anything key-shaped) in logs or dumps. */
  toJSON(): string {
    return `[${this.size} API keys]`;
  }
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}
