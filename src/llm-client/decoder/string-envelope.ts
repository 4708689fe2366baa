import { flatCopy } from '../../common/strings/flat-copy.js';
import {
  closingQuoteOf,
  decodeJsonString,
  PADDING_FIELD,
  isPaddingTail,
} from './json-string.js';

/**
 * The JSON text of a parsed chunk around one of its strings: a later chunk
 * that is this text around another valid JSON string body parses to the
 * same chunk with that other string, by construction. The chunk templates
 * (text-chunk-shortcut.ts, argument-chunk-template.ts) are built on it.
 */
export interface StringEnvelope {
  prefix: string;
  /** With `padded`, up to the opening quote of the padding value. */
  suffix: string;
  /** The chunk ends in an `obfuscation` string whose value changes per chunk. */
  padded: boolean;
}

/**
 * The envelope of the string whose body is `data[start, end)`. `padding` is
 * the parsed chunk's `obfuscation`: when the text ends in that padding
 * value, the envelope ends before it, so that a later value matches.
 */
export function envelopeAround(
  data: string,
  start: number,
  end: number,
  padding: unknown,
): StringEnvelope {
  const rest = data.slice(end);
  const tail = PADDING_FIELD.exec(rest)?.[1];
  const padded = tail !== undefined && padding === tail;
  // Copies: slices would keep the whole upstream read alive.
  return {
    prefix: flatCopy(data.slice(0, start)),
    suffix: flatCopy(padded ? rest.slice(0, -tail.length - 2) : rest),
    padded,
  };
}

/** The string of `data` when it is `envelope` around another JSON string. */
export function stringInEnvelope(
  data: string,
  envelope: StringEnvelope,
): string | undefined {
  const { prefix, suffix } = envelope;
  if (envelope.padded) {
    return paddedString(data, prefix, suffix);
  }
  const textEnd = data.length - suffix.length;
  // Equality of slices runs as one memory compare; startsWith/endsWith
  // compare character by character, several times slower here.
  return textEnd >= prefix.length &&
    data.slice(0, prefix.length) === prefix &&
    data.slice(textEnd) === suffix
    ? decodeJsonString(data.slice(prefix.length, textEnd))
    : undefined;
}

/** As stringInEnvelope, for an envelope whose chunks end in a padding value. */
function paddedString(
  data: string,
  prefix: string,
  suffix: string,
): string | undefined {
  if (data.slice(0, prefix.length) !== prefix) {
    return undefined;
  }
  const textEnd = closingQuoteOf(data, prefix.length);
  const tailAt = textEnd + suffix.length;
  return textEnd >= 0 &&
    data.slice(textEnd, tailAt) === suffix &&
    isPaddingTail(data, tailAt)
    ? decodeJsonString(data.slice(prefix.length, textEnd))
    : undefined;
}

/**
 * The padding value of a chunk that matched a padded envelope: it holds no
 * quote, so it starts after the last one before the closing `"}`.
 */
export function paddingOf(data: string): string {
  return data.slice(data.lastIndexOf('"', data.length - 3) + 1, -2);
}
