/** Deeper values are never called equal: the body's depth limit (MAX_JSON_DEPTH) is this. */
const MAX_DEPTH = 128;

/**
 * True only when `JSON.stringify(value)` and `JSON.stringify(copy)` are the
 * same text, where `copy` is plain data as copyJson makes it (no toJSON, no
 * undefined, finite numbers): the same keys in the same order, arrays of the
 * same length, equal strings, numbers and literals. Conservative: a value
 * JSON writes differently from how it holds it (a toJSON, a class instance,
 * undefined, a number that is not finite, a `__proto__` key) is not equal,
 * though its JSON might be. Walks both values once, stopping at the first
 * difference, and allocates nothing but the key lists.
 */
export function jsonEqual(value: unknown, copy: unknown): boolean {
  return equalAt(value, copy, 0);
}

function equalAt(value: unknown, copy: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null) {
    // Strings compare by pointer when they are one object, by length first else.
    return (
      value === copy && (typeof value !== 'number' || Number.isFinite(value))
    );
  }
  if (typeof copy !== 'object' || copy === null || depth >= MAX_DEPTH) {
    return false;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return false;
  }
  if (Array.isArray(value)) {
    return (
      Array.isArray(copy) &&
      Object.getPrototypeOf(value) === Array.prototype &&
      arraysEqual(value, copy, depth + 1)
    );
  }
  return (
    !Array.isArray(copy) &&
    Object.getPrototypeOf(value) === Object.prototype &&
    objectsEqual(
      value as Record<string, unknown>,
      copy as Record<string, unknown>,
      depth + 1,
    )
  );
}

function arraysEqual(
  value: readonly unknown[],
  copy: readonly unknown[],
  depth: number,
): boolean {
  if (value.length !== copy.length) {
    return false;
  }
  // By index: a hole reads undefined, which is never equal.
  for (let at = 0; at < value.length; at++) {
    if (!equalAt(value[at], copy[at], depth)) {
      return false;
    }
  }
  return true;
}

function objectsEqual(
  value: Record<string, unknown>,
  copy: Record<string, unknown>,
  depth: number,
): boolean {
  const keys = Object.keys(value);
  const copyKeys = Object.keys(copy);
  if (keys.length !== copyKeys.length) {
    return false;
  }
  for (let at = 0; at < keys.length; at++) {
    const key = keys[at] as string;
    if (
      key !== copyKeys[at] ||
      key === '__proto__' ||
      !equalAt(value[key], copy[key], depth)
    ) {
      return false;
    }
  }
  return true;
}
