/**
 * The last element of `list`, or undefined for an empty one. Never
 * `list[list.length - 1]` on a list that may be empty: `list[-1]` is a
 * named-property load, and once a load site meets one V8 leaves it
 * megamorphic (a stub-cache probe on every later run), on per-chunk paths.
 */
export function lastOf<T>(list: readonly T[]): T | undefined {
  return list.length === 0 ? undefined : list[list.length - 1];
}
