import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeJsonString, isPaddingTail } from './json-string.js';

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

describe(isPaddingTail.name, () => {
  // The rule it replaced: a value without quote, backslash or control character, then `"}`.
  // eslint-disable-next-line no-control-regex -- control characters are what it refuses
  const PADDING_TAIL = /^[^"\\\u0000-\u001f]*"\}$/;
  const tails = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 24 }),
    fc
      .tuple(
        fc.string({ maxLength: 20 }),
        fc.constantFrom('"}', '"', '}', '"}\n', ''),
      )
      .map(([value, end]) => value + end),
  );

  it('says what the regular expression says of the text from `from` on', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), tails, (head, tail) => {
        const data = head + tail;
        expect(isPaddingTail(data, head.length)).toBe(
          PADDING_TAIL.test(data.slice(head.length)),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts an empty value and refuses what cannot end a padded chunk', () => {
    expect(isPaddingTail('x"}', 1)).toBe(true);
    expect(isPaddingTail('abc"}', 0)).toBe(true);
    expect(isPaddingTail('a"b"}', 0)).toBe(false);
    expect(isPaddingTail('a\\b"}', 0)).toBe(false);
    expect(isPaddingTail('a\u0001"}', 0)).toBe(false);
    expect(isPaddingTail('abc"}', 5)).toBe(false);
    expect(isPaddingTail('abc}', 0)).toBe(false);
  });
});
