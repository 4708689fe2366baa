import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withFields } from './with-fields.js';

setFlagsFromString('--allow-natives-syntax');
/** V8's own answer: do two objects share one hidden class? */
const haveSameMap = runInNewContext('(a, b) => %HaveSameMap(a, b)') as (
  a: object,
  b: object,
) => boolean;

describe(withFields.name, () => {
  // First: the property below makes objects of thousands of shapes, whose
  // hidden classes all grow from the empty object's.
  it('gives the copies of one shape one hidden class, once warm', () => {
    // A spread turns each copy into a class of its own from the ninth call
    // on Node 20: a hundred calls cover it.
    const copies = Array.from({ length: 100 }, () =>
      withFields(
        { origin: 'http://upstream', path: '/v1' },
        { method: 'POST' },
      ),
    );
    const classes = copies.filter(
      (copy, at) => at === 0 || !haveSameMap(copy, copies[at - 1]!),
    );
    expect(classes).toHaveLength(1);
  });

  it('is the spread of both, fields winning', () => {
    fc.assert(
      fc.property(fc.object(), fc.object(), (base, fields) => {
        expect(withFields(base, fields)).toStrictEqual({ ...base, ...fields });
      }),
    );
  });

  it('keeps `__proto__` an own property, as a spread does', () => {
    const base = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const copy = withFields(base, { b: 2 });
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect((copy as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
