import { describe, expect, it } from 'vitest';
import { lastOf } from './last-of.js';

describe(lastOf.name, () => {
  it('is the last element, or undefined for an empty list', () => {
    expect(lastOf([1, 2, 3])).toBe(3);
    expect(lastOf(['a'])).toBe('a');
    expect(lastOf([])).toBeUndefined();
  });

  it('reads no property of an empty list', () => {
    const list: number[] = [];
    Object.defineProperty(list, '-1', { value: 7 });
    expect(lastOf(list)).toBeUndefined();
  });
});
