import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withoutNullUsage } from './null-usage.js';

const CHOICES = '"choices":[{"index":0,"delta":{"content":"hi"}}]';

describe(withoutNullUsage.name, () => {
  it.each([
    ['last', `{"id":"c",${CHOICES},"usage":null}`, `{"id":"c",${CHOICES}}`],
    [
      'between keys, as OpenAI writes it',
      `{"id":"c",${CHOICES},"usage":null,"obfuscation":"x"}`,
      `{"id":"c",${CHOICES},"obfuscation":"x"}`,
    ],
    ['first', `{"usage":null,${CHOICES}}`, `{${CHOICES}}`],
    [
      'spaced',
      `{"id":"c", ${CHOICES} , "usage" : null }`,
      `{"id":"c", ${CHOICES}  }`,
    ],
  ])('cuts a top-level null usage written %s', (_where, json, expected) => {
    expect(withoutNullUsage(json)).toBe(expected);
  });

  it.each([
    ['no usage key', `{${CHOICES}}`],
    ['a usage with a value', `{${CHOICES},"usage":{"total_tokens":1}}`],
    [
      'a null usage below the top level',
      `{"choices":[{"delta":{"usage":null}}]}`,
    ],
    ['two usage keys', `{"usage":null,${CHOICES},"x":{"usage":null}}`],
  ])('leaves %s to the parser', (_case, json) => {
    expect(withoutNullUsage(json)).toBeUndefined();
  });

  it('reads `"usage":null` written inside a string as text', () => {
    const json = `{"choices":[{"delta":{"content":${JSON.stringify('a "usage":null } b')}}}],"usage":null}`;
    expect(JSON.parse(withoutNullUsage(json) ?? 'null')).toEqual({
      choices: [{ delta: { content: 'a "usage":null } b' } }],
    });
  });

  // Whatever the chunk and wherever the key, the cut text is the chunk less
  // its usage, or the chunk goes to the parser.
  it('equals parsing and deleting the usage, or declines', () => {
    const text = fc.string({ unit: 'binary', maxLength: 20 });
    const value = fc.oneof(
      text,
      fc.constant(null),
      fc.integer(),
      fc.array(text, { maxLength: 2 }),
      fc.dictionary(text, text, { maxKeys: 2 }),
    );
    const entries = fc.array(fc.tuple(text, value), { maxLength: 4 });
    let cut = 0;
    fc.assert(
      fc.property(
        entries,
        fc.nat(4),
        fc.constantFrom(0, 1),
        (pairs, at, space) => {
          const keys = pairs.filter(([key]) => key !== 'usage');
          keys.splice(Math.min(at, keys.length), 0, ['usage', null]);
          const chunk = Object.fromEntries(keys) as Record<string, unknown>;
          const json = JSON.stringify(chunk, null, space);
          const out = withoutNullUsage(json);
          if (out === undefined) {
            return;
          }
          cut += 1;
          delete chunk['usage'];
          expect(JSON.parse(out)).toEqual(chunk);
        },
      ),
      { numRuns: 2000 },
    );
    expect(cut).toBeGreaterThan(1000);
  });
});
