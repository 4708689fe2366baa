import { randomFillSync } from 'node:crypto';

/** The id prefixes OpenAI uses (docs/responses-api.md §1). */
export type IdPrefix =
  | 'resp'
  | 'msg'
  | 'fc'
  | 'call'
  | 'rs'
  | 'ctc'
  | 'mcp'
  | 'mcpl'
  | 'mcpr'
  | 'cmp'
  | 'conv';

const ID_BYTES = 16;
/** Random bytes for this many ids are drawn at once. */
const IDS_PER_REFILL = 256;

/*
 * Each draw from the system CSPRNG costs a call into OpenSSL, several
 * microseconds apiece on small VMs, and every response needs at least two
 * ids. Drawing for 256 ids at once keeps the ids exactly as unpredictable
 * (the bytes come from the same CSPRNG, and each byte is used once) at a
 * fraction of the cost, as Node's own randomUUID() does.
 */
const pool = Buffer.alloc(ID_BYTES * IDS_PER_REFILL);
let poolOffset = pool.length;

/** A new random id: `<prefix>_` followed by 32 hex characters. */
export function newId(prefix: IdPrefix): string {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const start = poolOffset;
  poolOffset += ID_BYTES;
  return `${prefix}_${pool.toString('hex', start, poolOffset)}`;
}
