import { escapedText } from '../strings/escaped-text.js';

/**
 * Strings at least this long are written as escapedText gives them: one
 * regular-expression test, and the string itself when nothing in it needs
 * escaping. V8's JSON.stringify (Node 20) escapes a string a character at
 * a time, ~26 instructions a byte (callgrind): the text of a Responses
 * stream was serialised that way five times (three closing events, the
 * terminal event, the store's size), 475k instructions a 500-chunk stream.
 */
const LONG_STRING = 256;

/**
 * The long strings written last, with their escaped text: a response's
 * text is written five times, the same string each time, and the test is
 * not free either (~10 instructions a character). Bounded: up to
 * RECENT_STRINGS strings of up to RECENT_MAX_LENGTH characters are held.
 */
const recent: { text: string; escaped: string }[] = [];
const RECENT_STRINGS = 8;
const RECENT_MAX_LENGTH = 64 * 1024;

/**
 * The JSON text of values that never change, told by their owner
 * (rememberJsonText): a value shared by many Responses, such as a coding
 * agent's tool list (interned-tools.ts), is written once, not once per
 * Response. Weak: the text goes with its value.
 */
const knownTexts = new WeakMap<object, string>();

/**
 * Remembers `text` as `value`'s JSON text, for every later jsonText of it or
 * of a value that holds it. The caller promises `value` is never changed
 * again (freeze it) and `text` is `JSON.stringify(value)`.
 */
export function rememberJsonText(value: object, text: string): void {
  knownTexts.set(value, text);
}

/** Deeper values are handed to JSON.stringify whole: a cycle throws there, as it should. */
const MAX_DEPTH = 64;

/**
 * `JSON.stringify(value)`, character for character, cheaper for values that
 * hold long strings. Arrays and plain objects are walked, a `toJSON` called
 * with the property's key as JSON.stringify calls it; every other value
 * (numbers, short strings, class instances, boxed primitives, what a
 * `toJSON` returns that has a `toJSON` of its own, what lies deeper than
 * MAX_DEPTH) is JSON.stringify's. A property test holds the two equal. An
 * object's text is never undefined (a function is not a value this is
 * for).
 */
export function jsonText(value: object): string;
export function jsonText(value: unknown): string | undefined;
export function jsonText(value: unknown): string | undefined {
  return textOf(value, 0);
}

function textOf(input: unknown, depth: number, key = ''): string | undefined {
  // As JSON.stringify: a toJSON is called with the property's key, once.
  const value = hasToJson(input) ? input.toJSON(key) : input;
  const primitive = primitiveText(value);
  if (primitive !== undefined) {
    return primitive;
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    depth >= MAX_DEPTH ||
    hasToJson(value)
  ) {
    return JSON.stringify(value);
  }
  const known = knownTexts.get(value);
  if (known !== undefined) {
    return known;
  }
  // A value with no long string in it is JSON.stringify's whole: one call
  // into V8 instead of one per string and key (most events, a Response's
  // tools), as a walk of the values costs less than writing them.
  if (!mayHoldLong(value, depth)) {
    return JSON.stringify(value);
  }
  return Array.isArray(value)
    ? arrayText(value, depth + 1)
    : objectText(value as Record<string, unknown>, depth + 1);
}

/**
 * JSON.stringify's text of a string, finite number, boolean or null, written
 * here: a walk met one such value per key, and each JSON.stringify call
 * costs more than writing a short value (~2× a Response's walk, measured
 * alone). Undefined for any other value.
 */
function primitiveText(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value.length >= LONG_STRING
      ? `"${escapedLong(value)}"`
      : `"${escapedText(value)}"`;
  }
  if (typeof value === 'number') {
    // JSON writes a finite number as String does (-0 as 0), others as null.
    return Number.isFinite(value) ? String(value) : 'null';
  }
  if (typeof value === 'boolean') {
    return value ? 'true' : 'false';
  }
  return value === null ? 'null' : undefined;
}

/**
 * True when `value` is or may hold a long string that textOf would write
 * itself: a long string in an array or plain object, down to MAX_DEPTH, a
 * value with a `toJSON`, whose result is only known by calling it (once,
 * in textOf), or one whose long JSON text is known (a short one is cheaper
 * written again inside its holder's one JSON.stringify). Class instances
 * are JSON.stringify's either way.
 */
function mayHoldLong(value: unknown, depth: number): boolean {
  if (typeof value === 'string') {
    return value.length >= LONG_STRING;
  }
  if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) {
    return false;
  }
  if (hasToJson(value) || (knownTexts.get(value)?.length ?? 0) >= LONG_STRING) {
    return true;
  }
  if (Array.isArray(value)) {
    for (let at = 0; at < value.length; at++) {
      if (mayHoldLong(value[at], depth + 1)) {
        return true;
      }
    }
    return false;
  }
  if (!isPlainObject(value)) {
    return false;
  }
  for (const key in value) {
    if (
      Object.hasOwn(value, key) &&
      mayHoldLong((value as Record<string, unknown>)[key], depth + 1)
    ) {
      return true;
    }
  }
  return false;
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function hasToJson(
  value: unknown,
): value is { toJSON: (key: string) => unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  );
}

/** escapedText of a long string, remembered for the next few writes of it. */
function escapedLong(text: string): string {
  // Strings compare by pointer when they are one object, by length first else.
  const known = recent.find((entry) => entry.text === text);
  if (known !== undefined) {
    return known.escaped;
  }
  const escaped = escapedText(text);
  if (text.length <= RECENT_MAX_LENGTH) {
    recent.unshift({ text, escaped });
    recent.length = Math.min(recent.length, RECENT_STRINGS);
  }
  return escaped;
}

function arrayText(array: readonly unknown[], depth: number): string {
  const parts: string[] = [];
  // By index, as JSON.stringify reads it: a hole is `null` too.
  for (let at = 0; at < array.length; at++) {
    parts.push(textOf(array[at], depth, String(at)) ?? 'null');
  }
  return `[${parts.join(',')}]`;
}

function objectText(object: Record<string, unknown>, depth: number): string {
  const parts: string[] = [];
  for (const key of Object.keys(object)) {
    const text = textOf(object[key], depth, key);
    if (text !== undefined) {
      parts.push(`"${escapedText(key)}":${text}`);
    }
  }
  return `{${parts.join(',')}}`;
}
