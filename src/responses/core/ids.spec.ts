import { describe, expect, it } from 'vitest';
import { newId } from './ids.js';

describe(newId.name, () => {
  it('gives the prefix and 32 lower-case hex digits', () => {
    expect(newId('msg')).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(newId('resp')).toMatch(/^resp_[0-9a-f]{32}$/);
  });

  it('never repeats an id, across many refills of its random pool', () => {
    // 2,000 ids span several pools of 256: a reused pool would repeat ids.
    const ids = Array.from({ length: 2_000 }, () => newId('fc'));
    expect(new Set(ids).size).toBe(ids.length);
    const suffixes = new Set(ids.map((id) => id.slice('fc_'.length)));
    expect(suffixes.size).toBe(ids.length);
  });

  it('spreads its digits evenly, as random bytes do', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 1_000; i++) {
      for (const digit of newId('rs').slice(3)) {
        counts.set(digit, (counts.get(digit) ?? 0) + 1);
      }
    }
    // 32,000 digits: each of the 16 expected 2,000 times; ±20% is > 10 sigma.
    expect(counts.size).toBe(16);
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(1_600);
      expect(count).toBeLessThan(2_400);
    }
  });
});
