/**
 * What JSON.stringify escapes in a string: the quote, the backslash, control
 * characters and (to keep the JSON well-formed) lone surrogates. A pair's
 * halves match too; such text simply takes JSON.stringify.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * Texts up to this long are checked a character at a time: a regex test
 * costs ~260 instructions on a token's few characters (entering the regex
 * engine), the loop a few per character.
 */
const SHORT_TEXT = 32;

/** The text between its JSON quotes: the text itself when nothing in it needs escaping. */
export function escapedText(text: string): string {
  const needsEscape =
    text.length > SHORT_TEXT
      ? NEEDS_ESCAPE.test(text)
      : hasCharacterToEscape(text);
  return needsEscape ? JSON.stringify(text).slice(1, -1) : text;
}

/** NEEDS_ESCAPE's test, one character at a time. */
function hasCharacterToEscape(text: string): boolean {
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (
      code < 0x20 ||
      code === 0x22 /* " */ ||
      code === 0x5c /* \ */ ||
      (code >= 0xd800 && code <= 0xdfff)
    ) {
      return true;
    }
  }
  return false;
}
