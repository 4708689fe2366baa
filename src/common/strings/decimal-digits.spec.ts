import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalDigits } from './decimal-digits.js';

describe(decimalDigits.name, () => {
  it('writes any safe non-negative integer as toFixed(0) does, in any order of calls', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.nat(20_000),
            fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
          ),
        ),
        (values) => {
          for (const value of values) {
            expect(decimalDigits(value)).toBe(value.toFixed(0));
          }
        },
      ),
    );
  });

  it('gives the same string for a number each time, from the table', () => {
    expect(decimalDigits(205)).toBe(decimalDigits(205));
    expect(decimalDigits(0)).toBe('0');
    expect(decimalDigits(16_383)).toBe('16383');
    expect(decimalDigits(16_384)).toBe('16384');
  });
});
