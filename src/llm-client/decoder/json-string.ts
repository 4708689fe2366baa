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
  if (!raw.includes('\\')) {
    if (raw.includes('"')) {
      return undefined;
    }
    if (raw.length < SHORT_SUBSTRING) {
      return raw;
    }
  }
  try {
    // Also copies a long text out of the upstream read it was sliced from.
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return undefined;
  }
}
