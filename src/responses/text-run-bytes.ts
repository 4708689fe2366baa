import { escapedText } from '../common/strings/escaped-text.js';
import { decimalDigits } from '../common/strings/decimal-digits.js';

/** A text delta frame between the sequence number's digits and the escaped text. */
export const DELTA_KEY = ',"delta":"';
/** A text delta frame after the escaped text: the string's and the object's end, the blank line. */
export const FRAME_END = '"}\n\n';

const FRAME_END_BYTES = Buffer.from(FRAME_END, 'latin1');
/** The longest a sequence number's digits can be (a safe integer). */
const MAX_DIGITS = 16;
/** UTF-8 bytes a UTF-16 unit can take once escaped: `\u001f` is six. */
const MAX_BYTES_PER_UNIT = 6;

/** A part's frame head as bytes, alone (the run's first frame) and after a frame's end (every later one). */
export interface RunHead {
  head: Uint8Array;
  /** FRAME_END then the head: all that lies between two deltas' digits. */
  joint: Uint8Array;
}

/** The bytes of an ASCII head, for textRunBytes. */
export function runHead(asciiHead: string): RunHead {
  return {
    head: Buffer.from(asciiHead, 'latin1'),
    joint: Buffer.from(FRAME_END + asciiHead, 'latin1'),
  };
}

/**
 * The frames of a run of text deltas written straight into bytes, each the
 * head, `sequence` counting up, DELTA_KEY, the escaped delta and
 * FRAME_END: the same bytes as the frames' text encoded as UTF-8 (a
 * property test holds them equal). A delta of printable ASCII with no
 * quote or backslash, most tokens, is copied a character at a time; any
 * other is escaped as the text frame escapes it and written as UTF-8.
 *
 * Why bytes: a run framed as text was joined, then measured and encoded as
 * UTF-8 again by the chunked write (`Utf8Length`, the join and the copies
 * were ~1.3k instructions a delta, callgrind); bytes of this size are
 * written as they are (CoalescedWrites). One constant piece between two
 * deltas (the joint) is one copy per delta.
 */
export function textRunBytes(
  { head, joint }: RunHead,
  firstSequence: number,
  deltas: readonly string[],
): Uint8Array {
  let units = 0;
  for (const delta of deltas) {
    units += delta.length;
  }
  const perFrame = joint.length + MAX_DIGITS + DELTA_KEY.length;
  const out = Buffer.allocUnsafe(
    deltas.length * perFrame + units * MAX_BYTES_PER_UNIT,
  );
  out.set(head, 0);
  let at = head.length;
  let sequence = firstSequence;
  for (const delta of deltas) {
    if (sequence !== firstSequence) {
      out.set(joint, at);
      at += joint.length;
    }
    at = writeAscii(out, at, decimalDigits(sequence));
    at = writeDeltaKey(out, at);
    at = writeDelta(out, at, delta);
    sequence += 1;
  }
  out.set(FRAME_END_BYTES, at);
  return out.subarray(0, at + FRAME_END_BYTES.length);
}

/**
 * Writes DELTA_KEY at `at`, one store a byte; returns where it ends. A loop
 * over its bytes (an array's, a Uint8Array's or the string's) took a third
 * of a run's time (measured alone: ~94 against ~66 ns a delta).
 */
function writeDeltaKey(out: Buffer, at: number): number {
  out[at] = 0x2c; // ,
  out[at + 1] = 0x22; // "
  out[at + 2] = 0x64; // d
  out[at + 3] = 0x65; // e
  out[at + 4] = 0x6c; // l
  out[at + 5] = 0x74; // t
  out[at + 6] = 0x61; // a
  out[at + 7] = 0x22; // "
  out[at + 8] = 0x3a; // :
  out[at + 9] = 0x22; // "
  return at + DELTA_KEY.length;
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
