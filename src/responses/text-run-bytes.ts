import { escapedText } from '../common/strings/escaped-text.js';
import { decimalDigits } from '../common/strings/decimal-digits.js';

/** A text delta frame from the text's closing quote to the sequence number's digits. */
export const DELTA_TAIL = '","logprobs":[],"sequence_number":';
const TAIL_BYTES = Buffer.from(DELTA_TAIL, 'latin1');
/** The frame's end after the digits: `}` and the blank line. */
const END = [0x7d, 0x0a, 0x0a] as const;
/** The longest a sequence number's digits can be (a safe integer). */
const MAX_DIGITS = 16;
/** UTF-8 bytes a UTF-16 unit can take once escaped: `\u001f` is six. */
const MAX_BYTES_PER_UNIT = 6;

/**
 * The frames of a run of text deltas written straight into bytes, each
 * `head`, the escaped delta, the tail and `sequence` counting up: the same
 * bytes as the frames' text encoded as UTF-8 (a property test holds them
 * equal). A delta of printable ASCII with no quote or backslash, most
 * tokens, is copied a character at a time; any other is escaped as the
 * text frame escapes it and written as UTF-8.
 *
 * Why bytes: a run framed as text was joined, then measured and encoded as
 * UTF-8 again by the chunked write (`Utf8Length`, the join and the copies
 * were ~1.3k instructions a delta, callgrind); bytes of this size are
 * written as they are (CoalescedWrites).
 */
export function textRunBytes(
  headBytes: Uint8Array,
  firstSequence: number,
  deltas: readonly string[],
): Uint8Array {
  let units = 0;
  for (const delta of deltas) {
    units += delta.length;
  }
  const perFrame =
    headBytes.length + TAIL_BYTES.length + MAX_DIGITS + END.length;
  const out = Buffer.allocUnsafe(
    deltas.length * perFrame + units * MAX_BYTES_PER_UNIT,
  );
  let at = 0;
  let sequence = firstSequence;
  for (const delta of deltas) {
    out.set(headBytes, at);
    at += headBytes.length;
    at = writeDelta(out, at, delta);
    out.set(TAIL_BYTES, at);
    at += TAIL_BYTES.length;
    at = writeAscii(out, at, decimalDigits(sequence));
    out[at] = END[0];
    out[at + 1] = END[1];
    out[at + 2] = END[2];
    at += END.length;
    sequence += 1;
  }
  return out.subarray(0, at);
}

/** Writes the delta's escaped text at `at`; returns where it ends. */
function writeDelta(out: Buffer, at: number, delta: string): number {
  let end = at;
  for (let index = 0; index < delta.length; index++) {
    const code = delta.charCodeAt(index);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) {
      return at + out.write(escapedText(delta), at);
    }
    out[end] = code;
    end += 1;
  }
  return end;
}

/** Writes an ASCII text at `at`; returns where it ends. */
function writeAscii(out: Buffer, at: number, text: string): number {
  for (let index = 0; index < text.length; index++) {
    out[at + index] = text.charCodeAt(index);
  }
  return at + text.length;
}
