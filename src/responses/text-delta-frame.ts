import { decimalDigits } from '../common/strings/decimal-digits.js';
import { escapedText } from '../common/strings/escaped-text.js';
import { flatCopy } from '../common/strings/flat-copy.js';
import { MIN_BYTES_WRITTEN_AS_IS } from '../common/sse/coalesced-writes.js';
import {
  DELTA_KEY,
  FRAME_END,
  type RunHead,
  runHead,
  textRunBytes,
} from './text-run-bytes.js';
import type { ResponseStreamEvent } from '../protocol/responses.types.js';
import type { TextDeltaRun } from './core/text-delta-run.js';

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
 * the sequence number and the escaped text last, so that between two
 * deltas lies one piece of constant text (key order carries no meaning in
 * JSON; the spec checks that the frame parses back to the event). Why each piece has the shape it has is in
 * bench/README.md ("Fast paths"). One per stream: it keeps the current
 * part's head.
 */
export class TextDeltaFrames {
  private head: PartHead = {
    itemId: '',
    output: -1,
    content: -1,
    text: '',
    bytes: undefined,
  };

  /** The frame of `event`, or undefined when it is not a plain text delta. */
  frame(event: ResponseStreamEvent): string | undefined {
    if (!isPlainTextDelta(event)) {
      return undefined;
    }
    return (
      this.headOf(event.item_id, event.output_index, event.content_index).text +
      decimalDigits(event.sequence_number) +
      DELTA_KEY +
      escapedText(event.delta) +
      FRAME_END
    );
  }

  /**
   * The frames of a run's events, byte for byte what frame() gives each of
   * them, with no event and no frame string per delta: as bytes when the
   * run is long enough to be written as it is (textRunBytes), else as one
   * text, its pieces joined once.
   */
  frameRun(run: TextDeltaRun): string | Uint8Array {
    const head = this.headOf(run.itemId, run.outputIndex, run.contentIndex);
    const { deltas } = run;
    if (
      head.bytes !== undefined &&
      deltas.length * head.bytes.head.length >= MIN_BYTES_WRITTEN_AS_IS
    ) {
      return textRunBytes(head.bytes, run.firstSequence, deltas);
    }
    const pieces: string[] = [];
    let sequence = run.firstSequence;
    for (const delta of deltas) {
      pieces.push(
        head.text,
        decimalDigits(sequence),
        DELTA_KEY,
        escapedText(delta),
        FRAME_END,
      );
      sequence += 1;
    }
    return pieces.join('');
  }

  /** The frame up to the sequence number's digits: event line, type, placement, logprobs. */
  private headOf(itemId: string, output: number, content: number): PartHead {
    const last = this.head;
    if (
      last.itemId === itemId &&
      last.output === output &&
      last.content === content
    ) {
      return last;
    }
    // Kept for the whole part and embedded in every frame: flat, see flatCopy.
    const text = flatCopy(
      `event: ${TEXT_DELTA}\ndata: {"type":"${TEXT_DELTA}","item_id":` +
        JSON.stringify(itemId) +
        ',"output_index":' +
        output.toFixed(0) +
        ',"content_index":' +
        content.toFixed(0) +
        ',"logprobs":[],"sequence_number":',
    );
    this.head = {
      itemId,
      output,
      content,
      text,
      bytes: ASCII.test(text) ? runHead(text) : undefined,
    };
    return this.head;
  }
}

/** A part's frame head, as text and (when ASCII, as item ids are) as bytes. */
interface PartHead {
  itemId: string;
  output: number;
  content: number;
  text: string;
  bytes: RunHead | undefined;
}

/** Text whose latin1 bytes are its UTF-8 bytes. */
// eslint-disable-next-line no-control-regex -- ASCII is what it matches
const ASCII = /^[\u0000-\u007f]*$/;

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
