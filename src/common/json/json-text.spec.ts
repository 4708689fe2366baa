import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonText } from './json-text.js';

/** Strings of every kind, some past the long-string length. */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 250, maxLength: 600 }),
  fc
    .tuple(
      fc.string({ unit: 'grapheme-ascii', minLength: 256, maxLength: 400 }),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }),
    )
    .map(([long, odd]) => long + odd),
  fc.constantFrom('\ud800', 'a\udc00b', '"\\\n\u0000', '\u2028'),
);

/** What JSON.stringify meets: JSON values and the values it turns into null or drops. */
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constantFrom(null, undefined, -0, NaN, Infinity, () => 1, Symbol('s')),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.sparseArray(tie('value'), { maxLength: 5 }),
    fc.dictionary(
      fc.oneof(text, fc.constantFrom('1', '0', '__proto__')),
      tie('value'),
      {
        maxKeys: 5,
      },
    ),
  ),
}));

describe(jsonText.name, () => {
  it('writes what JSON.stringify writes', () => {
    fc.assert(
      fc.property(value, (input) => {
        expect(jsonText(input)).toBe(JSON.stringify(input));
      }),
      { numRuns: 1000 },
    );
  });

  it('writes a long string that needs no escaping as it is', () => {
    const long = 'tok '.repeat(500);
    expect(jsonText({ text: long })).toBe(JSON.stringify({ text: long }));
  });

  it('writes each long string as its own, the same ones again and again', () => {
    const clean = 'a'.repeat(400);
    const quoted = `${'a'.repeat(398)}"b`;
    const control = `${'a'.repeat(398)}\n\u0001`;
    for (let round = 0; round < 3; round++) {
      for (const text of [clean, quoted, control, clean.slice(1) + 'a']) {
        expect(jsonText({ text, again: [text] })).toBe(
          JSON.stringify({ text, again: [text] }),
        );
      }
    }
  });

  it('hands over what it does not walk: toJSON, class instances, boxed values', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const values = [
      { toJSON: () => ({ replaced: 'x'.repeat(300) }) },
      {
        byKey: { toJSON: (key: string) => `${key}:${'k'.repeat(300)}` },
        list: [{ toJSON: (key: string) => key }],
      },
      new Point(1),
      [new String('boxed'), new Number(2)],
      Object.create(null) as object,
      new Map([[1, 2]]),
    ];
    for (const input of values) {
      expect(jsonText(input)).toBe(JSON.stringify(input));
    }
  });

  it('calls each toJSON once, with its key, long strings in its value or not', () => {
    const calls: string[] = [];
    const counted = (text: string) => ({
      toJSON: (key: string) => {
        calls.push(key);
        return { text };
      },
    });
    const input = {
      short: counted('s'),
      long: counted('l'.repeat(300)),
      list: [counted('x'), { deeper: counted('d'.repeat(300)) }],
    };
    const expected = JSON.stringify(input);
    expect(calls.splice(0)).toEqual(['short', 'long', '0', 'deeper']);
    expect(jsonText(input)).toBe(expected);
    expect(calls).toEqual(['short', 'long', '0', 'deeper']);
  });

  it('throws on a cycle, as JSON.stringify does', () => {
    const cycle: Record<string, unknown> = { long: 'y'.repeat(300) };
    cycle['self'] = cycle;
    expect(() => jsonText(cycle)).toThrow(TypeError);
    const shortCycle: Record<string, unknown> = { short: 'y' };
    shortCycle['self'] = [shortCycle];
    expect(() => jsonText(shortCycle)).toThrow(TypeError);
  });
});
