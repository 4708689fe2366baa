import { decimalDigits } from '../common/strings/decimal-digits.js';
import { flatCopy } from '../common/strings/flat-copy.js';
import type { ResponseStreamEvent } from '../protocol/responses.types.js';

const TEXT_DELTA = 'response.output_text.delta';

/**
 * The fields the fast frame writes, in the order the event machine builds
 * them (EventLog.outputTextDelta), and the only ones it may meet: an event
 * with any other field (an `obfuscation`, a field the spec adds later), or
 * the same fields in another order, takes the generic path, so nothing the
 * machine puts on an event is ever dropped. Keys in order are compared as
 * they are enumerated, where a set lookup per key cost 7 lookups an event
 * (bench/README.md, "Text-delta frames").
 */
const FAST_FRAME_KEYS: readonly string[] = [
  'type',
  'sequence_number',
  'item_id',
  'output_index',
  'content_index',
  'delta',
  'logprobs',
];

/** An `output_text.delta` event of exactly the shape the fast frame writes. */
interface PlainTextDelta extends ResponseStreamEvent {
  item_id: string;
  output_index: number;
  content_index: number;
  delta: string;
}

/**
 * The SSE frames of one stream's `output_text.delta` events, the event of
 * almost every chunk: the event's JSON from a head kept for the whole part,
 * the escaped text, and a tail with `sequence_number` moved to the end (key
 * order carries no meaning in JSON; the spec checks that the frame parses
 * back to the event). Why each piece has the shape it has is in
 * bench/README.md ("Fast paths"). One per stream: it keeps the current
 * part's head.
 */
export class TextDeltaFrames {
  private head = { itemId: '', output: -1, content: -1, text: '' };

  /** The frame of `event`, or undefined when it is not a plain text delta. */
  frame(event: ResponseStreamEvent): string | undefined {
    if (!isPlainTextDelta(event)) {
      return undefined;
    }
    return (
      this.headOf(event) +
      escapedText(event.delta) +
      '","logprobs":[],"sequence_number":' +
      decimalDigits(event.sequence_number) +
      '}\n\n'
    );
  }

  /** The frame up to the escaped text: event line, type, placement and the text's opening quote. */
  private headOf(delta: PlainTextDelta): string {
    const last = this.head;
    if (
      last.itemId === delta.item_id &&
      last.output === delta.output_index &&
      last.content === delta.content_index
    ) {
      return last.text;
    }
    // Kept for the whole part and embedded in every frame: flat, see flatCopy.
    const text = flatCopy(
      `event: ${TEXT_DELTA}\ndata: {"type":"${TEXT_DELTA}","item_id":` +
        JSON.stringify(delta.item_id) +
        ',"output_index":' +
        delta.output_index.toFixed(0) +
        ',"content_index":' +
        delta.content_index.toFixed(0) +
        ',"delta":"',
    );
    this.head = {
      itemId: delta.item_id,
      output: delta.output_index,
      content: delta.content_index,
      text,
    };
    return text;
  }
}

/**
 * True for a text delta the fast frame writes exactly: the fields of
 * FAST_FRAME_KEYS in their order, each of the type the frame assumes, no
 * logprobs.
 */
function isPlainTextDelta(event: ResponseStreamEvent): event is PlainTextDelta {
  if (event.type !== TEXT_DELTA || !hasKeysInOrder(event, FAST_FRAME_KEYS)) {
    return false;
  }
  const logprobs = event['logprobs'];
  return (
    Number.isSafeInteger(event.sequence_number) &&
    typeof event['item_id'] === 'string' &&
    Number.isSafeInteger(event['output_index']) &&
    Number.isSafeInteger(event['content_index']) &&
    typeof event['delta'] === 'string' &&
    Array.isArray(logprobs) &&
    logprobs.length === 0
  );
}

/** True when `event`'s own enumerable keys are exactly `keys`, in that order. */
export function hasKeysInOrder(
  event: ResponseStreamEvent,
  keys: readonly string[],
): boolean {
  let at = 0;
  for (const key in event) {
    if (keys[at] !== key) {
      return false;
    }
    at += 1;
  }
  return at === keys.length;
}

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
