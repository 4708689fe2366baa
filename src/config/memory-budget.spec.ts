import { describe, expect, it } from 'vitest';
import { DEFAULT_HEAP_SHARE, memoryBudget } from './memory-budget.js';

const MiB = 1024 * 1024;
const DEFAULT_BODY_LIMIT = 32 * MiB;

describe(memoryBudget.name, () => {
  it('takes an eighth of the heap limit as the budget when none is set', () => {
    const sut = memoryBudget(
      { BODY_LIMIT_BYTES: DEFAULT_BODY_LIMIT },
      304 * MiB,
    );
    expect(DEFAULT_HEAP_SHARE).toBe(1 / 8);
    expect(sut).toEqual({
      heapLimitBytes: 304 * MiB,
      maxInflightBodyBytes: 38 * MiB,
      bodyLimitBytes: DEFAULT_BODY_LIMIT,
      bodyLimitLowered: false,
    });
  });

  it('lowers the body limit to a smaller budget', () => {
    const sut = memoryBudget(
      { BODY_LIMIT_BYTES: DEFAULT_BODY_LIMIT },
      176 * MiB,
    );
    expect(sut.maxInflightBodyBytes).toBe(22 * MiB);
    expect(sut.bodyLimitBytes).toBe(22 * MiB);
    expect(sut.bodyLimitLowered).toBe(true);
  });

  it('takes MAX_INFLIGHT_BODY_BYTES as it is, whatever the heap', () => {
    const sut = memoryBudget(
      { BODY_LIMIT_BYTES: 4096, MAX_INFLIGHT_BODY_BYTES: 65_536 },
      4096 * MiB,
    );
    expect(sut.maxInflightBodyBytes).toBe(65_536);
    expect(sut.bodyLimitBytes).toBe(4096);
    expect(sut.bodyLimitLowered).toBe(false);
  });

  it("reads V8's heap limit when none is given", () => {
    const sut = memoryBudget({ BODY_LIMIT_BYTES: DEFAULT_BODY_LIMIT });
    expect(sut.heapLimitBytes).toBeGreaterThan(0);
    expect(sut.maxInflightBodyBytes).toBe(Math.floor(sut.heapLimitBytes / 8));
  });
});
