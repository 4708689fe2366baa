import { describe, expect, it } from 'vitest';
import { randomText } from './random-text.js';

describe(randomText.name, () => {
  it('writes the bytes asked for in the encoding asked for', () => {
    expect(randomText(16, 'hex')).toMatch(/^[0-9a-f]{32}$/);
    expect(randomText(18, 'base64url')).toMatch(/^[\w-]{24}$/);
  });

  it('never repeats, across refills that leave a pool tail too short to use', () => {
    // 18 bytes do not divide a 4,096-byte pool: each refill drops its last 10.
    const texts = Array.from({ length: 3_000 }, () =>
      randomText(18, 'base64url'),
    );
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('refuses more than a pool at once', () => {
    expect(() => randomText(4_097, 'hex')).toThrow(RangeError);
    expect(randomText(4_096, 'hex')).toHaveLength(8_192);
  });
});
