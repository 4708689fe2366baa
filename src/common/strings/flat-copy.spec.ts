import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flatCopy } from './flat-copy.js';

describe(flatCopy.name, () => {
  it('gives the same text for any string built piece by piece, non-ASCII included', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' })), (pieces) => {
        let rope = '';
        for (const piece of pieces) {
          rope += piece;
        }
        expect(flatCopy(rope)).toBe(rope);
      }),
      { numRuns: 500 },
    );
  });

  it('copies a slice out of the text it came from', () => {
    const read = `${'x'.repeat(10_000)}héllo 👋${'y'.repeat(10_000)}`;
    const slice = read.slice(10_000, 10_008);
    expect(flatCopy(slice)).toBe('héllo 👋');
  });
});
