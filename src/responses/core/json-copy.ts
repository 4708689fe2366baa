/**
 * A private copy of a value that came as JSON: what
 * `JSON.parse(JSON.stringify(value))` gives, without re-encoding and
 * re-decoding its strings. Strings are immutable, so the copy shares them;
 * objects and arrays are new. A Response echoes a coding agent's whole
 * request (kilobytes of instructions and tool schemas), and the JSON round
 * trip cost more than the rest of building the Response.
 *
 * Values JSON does not hold as they are (a `toJSON` method, a class
 * instance, numbers that are not finite, bigint) take the round trip, so
 * the result is always the round trip's.
 */
export function copyJson<T>(value: T): T {
  return copyValue(value, '') as T;
}

/**
 * copyJson of an object the caller has just built as a literal, made by
 * replacing its fields' values with their copies in place: the object
 * keeps the literal's hidden class. copyObject adds keys one by one, and
 * V8 turns an object built that way into a dictionary past about sixteen
 * keys, which made every later read of a Response's echo (spreading,
 * JSON.stringify) several times slower. `fresh` must be the caller's own.
 */
export function copyJsonInPlace<T extends object>(fresh: T): T {
  if (
    Object.getPrototypeOf(fresh) !== Object.prototype ||
    !isPlainData(fresh, Object.prototype)
  ) {
    return copyJson(fresh);
  }
  const record = fresh as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const item = copyValue(record[key], key);
    if (item === undefined || key === '__proto__') {
      // JSON leaves the key out, or makes it an own key: copyJson's way.
      return copyJson(fresh);
    }
    record[key] = item;
  }
  return fresh;
}

/** The copy of `value` found under `key`; undefined where JSON writes nothing. */
function copyValue(value: unknown, key: string): unknown {
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean'
  ) {
    return value;
  }
  if (typeof value === 'number') {
    // JSON writes -0 as 0 and what is not finite as null.
    return Number.isFinite(value) ? value + 0 : null;
  }
  if (
    value === undefined ||
    typeof value === 'function' ||
    typeof value === 'symbol'
  ) {
    return undefined;
  }
  if (Array.isArray(value) && isPlainData(value, Array.prototype)) {
    // Array.from visits holes, which JSON writes as null.
    return Array.from(value, (item: unknown, at) => {
      const copy = copyValue(item, String(at));
      return copy === undefined ? null : copy;
    });
  }
  if (typeof value === 'object' && isPlainData(value, Object.prototype)) {
    return copyObject(value as Record<string, unknown>);
  }
  return roundTrip(value, key);
}

function copyObject(source: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    const item = copyValue(source[key], key);
    if (item === undefined) {
      continue;
    }
    if (key === '__proto__') {
      // JSON.parse makes it an own key; an assignment would set the prototype.
      Object.defineProperty(copy, key, {
        value: item,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      copy[key] = item;
    }
  }
  return copy;
}

/** Data JSON writes as its own keys: no toJSON, the plain prototype (or none, for an object). */
function isPlainData(value: object, plain: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return (
    (prototype === plain ||
      (prototype === null && plain === Object.prototype)) &&
    typeof (value as { toJSON?: unknown }).toJSON !== 'function'
  );
}

/** The round trip of `value` as JSON.stringify meets it under `key` (toJSON is given the key). */
function roundTrip(value: unknown, key: string): unknown {
  const text = JSON.stringify({ [key]: value });
  return (JSON.parse(text) as Record<string, unknown>)[key];
}
