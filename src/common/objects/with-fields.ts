/**
 * V8 12 (Node 22) gives the copies a spread makes one hidden class per
 * shape, and there the spread is the faster copy (44 ns against 99 for
 * Object.assign, a micro-benchmark of a five-field base and two fields).
 */
const SPREAD_KEEPS_SHAPE = Number.parseInt(process.versions.v8, 10) >= 12;

/**
 * `{ ...base, ...fields }`, for the objects a request builds on its hot
 * path.
 *
 * On Node 20 (V8 11.3) an object literal that spreads an object and then
 * adds a property (`{ ...a, b }`, `{ ...a, ...b }`) gets a hidden class of
 * its own each time it runs. Every later read of such an object misses V8's
 * inline caches and goes to the runtime: about 2.6 µs to build and read one
 * on this machine, against 0.1 µs for this copy, whose objects of one shape
 * share one hidden class (bench/README.md, "Hidden classes that last";
 * `npm run bench:ic` counts the misses). A literal that adds its own
 * properties before any spread does not have the problem.
 *
 * A copy that only gives new values to keys `base` already has is cheaper
 * written where it is made, as a spread and then stores
 * (`const copy = { ...base }; copy.key = value;`): a store to a key the
 * copy has keeps the spread's hidden class, one per source shape (an added
 * key gives each copy one of its own, as in a literal). The chunk
 * templates' copies (withText, withArguments) cost about a quarter of this.
 * Not as a shared helper: its spread and keyed stores would see every
 * caller's shapes, and megamorphic they cost more than this function.
 */
export function withFields<B extends object, F extends object>(
  base: B,
  fields: F,
): B & F {
  // Object.assign sets `__proto__` through its setter where a spread makes
  // an own property: such a key keeps the spread's meaning.
  if (
    SPREAD_KEEPS_SHAPE ||
    Object.hasOwn(base, '__proto__') ||
    Object.hasOwn(fields, '__proto__')
  ) {
    return { ...base, ...fields };
  }
  return Object.assign({}, base, fields);
}
