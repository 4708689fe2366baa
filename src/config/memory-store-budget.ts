import { getHeapStatistics } from 'node:v8';

/**
 * The share of V8's heap limit the in-memory response store may fill,
 * unless MEMORY_STORE_MAX_BYTES says otherwise. The budget counts the
 * entries' JSON length; live, an entry takes about as much (base64 images,
 * long texts) or up to a few times more (many small items), so an eighth
 * stays well under half the heap and leaves the rest to request bodies
 * (MAX_INFLIGHT_BODY_BYTES), streams and garbage not yet collected.
 */
const MEMORY_STORE_HEAP_SHARE = 1 / 8;

/** MEMORY_STORE_MAX_BYTES when set, else an eighth of the heap limit. */
export function memoryStoreMaxBytes(
  configured: number | undefined,
  heapLimitBytes: number = getHeapStatistics().heap_size_limit,
): number {
  return configured ?? Math.floor(heapLimitBytes * MEMORY_STORE_HEAP_SHARE);
}
