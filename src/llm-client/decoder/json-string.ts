/** V8 copies shorter substrings; longer ones would keep the whole read alive. */
const SHORT_SUBSTRING = 13;

/** The index of the quote that ends the JSON string starting at `from`, or -1. */
export function closingQuoteOf(data: string, from: number): number {
  for (let at = data.indexOf('"', from); at >= 0;) {
    let backslashes = 0;
    while (data.charCodeAt(at - 1 - backslashes) === 0x5c /* \ */) {
      backslashes += 1;
    }
    if (backslashes % 2 === 0) {
      return at;
    }
    at = data.indexOf('"', at + 1);
  }
  return -1;
}

/**
 * The text of a JSON string's body (between its quotes); undefined when it
 * is not one: an unescaped quote, a dangling backslash, a bad escape.
 */
export function decodeJsonString(raw: string): string | undefined {
  if (raw.length < SHORT_SUBSTRING) {
    // Most chunks: a token of a few characters, read in one pass (two
    // `includes` and a loop cost ~300 instructions a chunk).
    const kind = shortStringKind(raw);
    if (kind !== ESCAPED) {
      return kind === PLAIN ? raw : undefined;
    }
  } else if (!raw.includes('\\') && raw.includes('"')) {
    return undefined;
  }
  try {
    // Also copies a long text out of the upstream read it was sliced from.
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return undefined;
  }
}

const PLAIN = 0;
/** An unescaped quote or a raw control character, which JSON.parse refuses. */
const INVALID = 1;
/** A backslash: JSON.parse decides. */
const ESCAPED = 2;

/** What a short string body holds, as decodeJsonString reads it, in one pass. */
function shortStringKind(raw: string): number {
  let kind = PLAIN;
  for (let at = 0; at < raw.length; at++) {
    const code = raw.charCodeAt(at);
    if (code === 0x5c /* \ */) {
      return ESCAPED;
    }
    if (code < 0x20 || code === 0x22 /* " */) {
      kind = INVALID;
    }
  }
  return kind;
}

/**
 * OpenAI's last field, a random padding string that differs on every chunk:
 * a learned template ends before its value. Not a field the gateway reads.
 */
// eslint-disable-next-line no-control-regex -- control characters need escaping in JSON
export const PADDING_FIELD = /,"obfuscation":"([^"\\\u0000-\u001f]*)"\}$/;
/**
 * True when `data` from `from` on is a padding value (no quote, backslash
 * or control character) and the object's end, `"}`: what PADDING_FIELD's
 * value and end match. A loop over the few characters of the value, not a
 * regular expression on a slice: it runs on every chunk of an OpenAI stream.
 */
export function isPaddingTail(data: string, from: number): boolean {
  const quoteAt = data.length - 2;
  if (from > quoteAt || data.charCodeAt(quoteAt) !== 0x22 /* " */) {
    return false;
  }
  for (let at = from; at < quoteAt; at++) {
    const code = data.charCodeAt(at);
    if (code < 0x20 || code === 0x22 /* " */ || code === 0x5c /* \ */) {
      return false;
    }
  }
  return data.charCodeAt(quoteAt + 1) === 0x7d; /* } */
}
