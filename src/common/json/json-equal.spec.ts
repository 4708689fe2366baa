import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonEqual } from './json-equal.js';

/** Plain data as a JSON round trip gives it: what jsonEqual compares against. */
const roundTrip = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value) ?? 'null') as unknown;

// Values JSON holds as they are, and some it writes otherwise or not at all.
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(undefined, NaN, Infinity, -0, () => 1),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.sparseArray(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(fc.string({ maxLength: 3 }), fc.constant('__proto__')),
      tie('value'),
      { maxKeys: 4 },
    ),
  ),
}));

describe(jsonEqual.name, () => {
  it('calls two values equal only when their JSON is the same text', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        // A top-level undefined or function has no JSON to copy.
        if (JSON.stringify(b) !== undefined && jsonEqual(a, roundTrip(b))) {
          expect(JSON.stringify(a)).toBe(JSON.stringify(b));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('finds any JSON value equal to its own copy, and to the same text parsed again', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (a) => {
        // A `__proto__` key is never vouched for (the test below).
        fc.pre(!JSON.stringify(a).includes('"__proto__":'));
        expect(jsonEqual(a, roundTrip(a))).toBe(true);
        expect(jsonEqual(roundTrip(a), roundTrip(a))).toBe(true);
      }),
    );
  });

  it('tells apart values that differ anywhere, in key order too', () => {
    const tool = {
      name: 'grep',
      parameters: { type: 'object', required: ['a'] },
    };
    expect(jsonEqual(tool, roundTrip(tool))).toBe(true);
    expect(jsonEqual({ ...tool, name: 'grop' }, roundTrip(tool))).toBe(false);
    expect(
      jsonEqual(
        { ...tool, parameters: { type: 'object', required: ['b'] } },
        roundTrip(tool),
      ),
    ).toBe(false);
    expect(
      jsonEqual({ parameters: tool.parameters, name: 'grep' }, roundTrip(tool)),
    ).toBe(false);
    expect(jsonEqual([1, 2], [1, 2, 3])).toBe(false);
    expect(jsonEqual({ a: 1 }, [1])).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
  });

  it('does not vouch for what JSON writes otherwise: undefined, NaN, toJSON, classes', () => {
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1 })).toBe(false);
    expect(jsonEqual(NaN, null)).toBe(false);
    expect(jsonEqual({ toJSON: () => 1 }, 1)).toBe(false);
    expect(jsonEqual(Object.assign([1], { toJSON: () => 'x' }), [1])).toBe(
      false,
    );
    expect(jsonEqual(JSON.parse('{"__proto__":1}'), { ['__proto__']: 1 })).toBe(
      false,
    );
    expect(jsonEqual(new Date(0), roundTrip(new Date(0)))).toBe(false);
    expect(jsonEqual(Object.create(null) as object, {})).toBe(false);
  });
});
