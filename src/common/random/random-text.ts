import { randomFillSync } from 'node:crypto';

/** Bytes drawn from the system CSPRNG at once: enough for 256 ids of 16 bytes. */
const POOL_BYTES = 4096;

/*
 * Each draw from the system CSPRNG costs a call into OpenSSL, several
 * microseconds apiece on small VMs (a Messages request spent ~15 µs on its
 * message id's), and every answer needs at least one id. Drawing a pool at
 * once keeps the ids exactly as unpredictable (the bytes come from the same
 * CSPRNG, and each byte is used once: the rest of a pool too short for a
 * draw is dropped) at a fraction of the cost, as Node's own randomUUID()
 * does.
 */
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = pool.length;

/**
 * `byteCount` fresh random bytes (at most a pool's 4,096), written as
 * `encoding` text: for ids that must be unguessable.
 */
export function randomText(
  byteCount: number,
  encoding: 'hex' | 'base64url',
): string {
  if (byteCount > POOL_BYTES) {
    throw new RangeError(`at most ${POOL_BYTES} random bytes at once`);
  }
  if (poolOffset + byteCount > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const start = poolOffset;
  poolOffset += byteCount;
  return pool.toString(encoding, start, poolOffset);
}
