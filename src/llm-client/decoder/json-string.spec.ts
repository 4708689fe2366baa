import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeJsonString } from './json-string.js';

/** What JSON.parse makes of `raw` between quotes, or undefined when it refuses it. */
function parsed(raw: string): string | undefined {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return undefined;
  }
}

describe(decodeJsonString.name, () => {
  it('reads a string body exactly as JSON.parse does, and refuses what it refuses', () => {
    const unit = fc.constantFrom(
      'a',
      'é',
      '"',
      '\\',
      'n',
      'u',
      '0',
      '\n',
      '\t',
      '\u0001',
      '\u001f',
      ' ',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit, maxLength: 20 }),
          fc.string({ unit: 'binary' }),
        ),
        (raw) => {
          expect(decodeJsonString(raw)).toBe(parsed(raw));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('refuses a short text holding a raw control character', () => {
    expect(decodeJsonString('a\nb')).toBeUndefined();
    expect(decodeJsonString('\u0000')).toBeUndefined();
    expect(decodeJsonString('ok')).toBe('ok');
  });
});
