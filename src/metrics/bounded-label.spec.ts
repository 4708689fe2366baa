import { describe, expect, it } from 'vitest';
import { BoundedLabel, OTHER_LABEL_VALUE } from './bounded-label.js';

describe(BoundedLabel.name, () => {
  it('keeps known values and counts everything else as other', () => {
    const sut = new BoundedLabel(10);
    sut.allow(['qwen3', 'llama-3.1-8b']);
    expect(sut.of('qwen3')).toBe('qwen3');
    expect(sut.of('made-up-by-a-client')).toBe(OTHER_LABEL_VALUE);
    expect(sut.of(undefined)).toBe(OTHER_LABEL_VALUE);
    expect(sut.of(null)).toBe(OTHER_LABEL_VALUE);
  });

  it('learns no more than its capacity', () => {
    const sut = new BoundedLabel(3);
    sut.allow(['a', 'b', 'c', 'd']);
    sut.allow(['e']);
    expect(sut.size).toBe(3);
    expect(['a', 'b', 'c', 'd', 'e'].map((v) => sut.of(v))).toEqual([
      'a',
      'b',
      'c',
      OTHER_LABEL_VALUE,
      OTHER_LABEL_VALUE,
    ]);
  });

  it('never learns the empty string', () => {
    const sut = new BoundedLabel(3);
    sut.allow(['']);
    expect(sut.size).toBe(0);
  });
});
