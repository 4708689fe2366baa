import { describe, expect, it } from 'vitest';
import { memoryStoreMaxBytes } from './memory-store-budget.js';

describe(memoryStoreMaxBytes.name, () => {
  it('is an eighth of the heap limit unless MEMORY_STORE_MAX_BYTES is set', () => {
    expect(memoryStoreMaxBytes(undefined, 304 * 1024 * 1024)).toBe(
      38 * 1024 * 1024,
    );
    expect(memoryStoreMaxBytes(5_000, 304 * 1024 * 1024)).toBe(5_000);
  });
});
