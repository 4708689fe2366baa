import { timingSafeEqual } from 'node:crypto';
import { keyDigest, type TenantKey } from './keys-file.js';
import type { Tenant } from './tenant.js';

/**
 * The keys clients may present, held only as SHA-256 digests, each with
 * its tenant. A presented key is hashed too and compared against every
 * digest with `timingSafeEqual`: equal-length digests mean neither a key's
 * length nor the position of the first differing byte shows in the timing.
 * `replace` swaps the whole set at once (a reloaded keys file).
 */
export class TenantDirectory {
  private keys: readonly TenantKey[];

  private constructor(keys: readonly TenantKey[]) {
    this.keys = keys;
  }

  /** A directory of these keys; null when there are none (inbound auth off). */
  static of(keys: readonly TenantKey[]): TenantDirectory | null {
    return keys.length > 0 ? new TenantDirectory(keys) : null;
  }

  get size(): number {
    return this.keys.length;
  }

  /** The tenant whose key `presented` is, else undefined. */
  resolve(presented: string): Tenant | undefined {
    const candidate = keyDigest(presented);
    let found: Tenant | undefined;
    // No early exit: every digest is compared, whichever one matches.
    for (const key of this.keys) {
      if (timingSafeEqual(key.digest, candidate)) {
        found = key.tenant;
      }
    }
    return found;
  }

  /** True when `presented` is one of the keys. */
  matches(presented: string): boolean {
    return this.resolve(presented) !== undefined;
  }

  /** The keys from now on; a request already admitted keeps its tenant. */
  replace(keys: readonly TenantKey[]): void {
    if (keys.length === 0) {
      // Never turn auth off at run time: an emptied file is a mistake.
      throw new Error('a directory of keys cannot become empty');
    }
    this.keys = keys;
  }

  /** Never print digests (or anything key-shaped) in logs or dumps. */
  toJSON(): string {
    return `[${this.size} API keys]`;
  }
}
