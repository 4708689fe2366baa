/**
 * `{ ...base, ...fields }`, for the objects a request builds on its hot
 * path.
 *
 * On Node 20 (V8 11.3) an object literal that spreads an object and then
 * adds a property (`{ ...a, b }`, `{ ...a, ...b }`) gets a hidden class of
 * its own each time it runs. Every later read of such an object misses V8's
 * inline caches and goes to the runtime: about 2.5 µs to build and read one
 * on this machine, against 0.2 µs for this copy, whose objects of one shape
 * share one hidden class (bench/README.md, "Fast paths"). Node 22 does not
 * have the problem; a literal that adds its own properties before any
 * spread does not either.
 */
export function withFields<B extends object, F extends object>(
  base: B,
  fields: F,
): B & F {
  // Object.assign sets `__proto__` through its setter where a spread makes
  // an own property: such a key keeps the spread's meaning.
  if (Object.hasOwn(base, '__proto__') || Object.hasOwn(fields, '__proto__')) {
    return { ...base, ...fields };
  }
  return Object.assign({}, base, fields);
}
