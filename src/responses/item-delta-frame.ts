import { decimalDigits } from '../common/strings/decimal-digits.js';
import { flatCopy } from '../common/strings/flat-copy.js';
import type { ResponseStreamEvent } from '../protocol/responses.types.js';
import { escapedText } from '../common/strings/escaped-text.js';
import { hasKeysInOrder } from './text-delta-frame.js';

/**
 * The delta events framed here, each with its exact key order: the order
 * ItemSink.event() builds, which the generic JSON.stringify frame follows.
 */
const DELTA_KEYS: ReadonlyMap<string, readonly string[]> = new Map([
  [
    'response.reasoning_text.delta',
    [
      'type',
      'sequence_number',
      'item_id',
      'output_index',
      'content_index',
      'delta',
    ],
  ],
  [
    'response.function_call_arguments.delta',
    ['type', 'sequence_number', 'item_id', 'output_index', 'delta'],
  ],
]);

/** Each type's frame up to the sequence number's digits. */
const HEADS: ReadonlyMap<string, string> = new Map(
  [...DELTA_KEYS.keys()].map((type) => [
    type,
    flatCopy(`event: ${type}\ndata: {"type":"${type}","sequence_number":`),
  ]),
);

/** The part of a frame between `sequence_number` and the delta's text, for one item. */
interface Middle {
  type: string;
  itemId: string;
  output: number;
  content: number | undefined;
  text: string;
}

/**
 * The SSE frames of one stream's reasoning and function-argument deltas,
 * byte for byte the generic frame (namedFrame): a head per event type, the
 * sequence number, a middle kept per item, the escaped text. An event with
 * another key, another key order or a value of another type takes the
 * generic path. One per stream: it keeps the current item's middle.
 */
export class ItemDeltaFrames {
  private middle: Middle = {
    type: '',
    itemId: '',
    output: -1,
    content: undefined,
    text: '',
  };

  /** The frame of `event`, or undefined when it is not such a delta. */
  frame(event: ResponseStreamEvent): string | undefined {
    const keys = DELTA_KEYS.get(event.type);
    if (keys === undefined || !hasExactly(event, keys)) {
      return undefined;
    }
    return (
      (HEADS.get(event.type) as string) +
      decimalDigits(event.sequence_number) +
      this.middleOf(event) +
      escapedText(event['delta'] as string) +
      '"}\n\n'
    );
  }

  /** `,"item_id":…,"output_index":…[,"content_index":…],"delta":"` of this event. */
  private middleOf(event: ResponseStreamEvent): string {
    const itemId = event['item_id'] as string;
    const output = event['output_index'] as number;
    const content = event['content_index'] as number | undefined;
    const last = this.middle;
    if (
      last.type === event.type &&
      last.itemId === itemId &&
      last.output === output &&
      last.content === content
    ) {
      return last.text;
    }
    // Kept for the whole item and embedded in every frame: flat, see flatCopy.
    const text = flatCopy(
      `,"item_id":${JSON.stringify(itemId)},"output_index":${output.toFixed(0)}` +
        (content === undefined
          ? ''
          : `,"content_index":${content.toFixed(0)}`) +
        ',"delta":"',
    );
    this.middle = { type: event.type, itemId, output, content, text };
    return text;
  }
}

/** True when `event` has exactly `keys`, in that order, each of the type the frame writes. */
function hasExactly(
  event: ResponseStreamEvent,
  keys: readonly string[],
): boolean {
  return (
    hasKeysInOrder(event, keys) &&
    Number.isSafeInteger(event.sequence_number) &&
    typeof event['item_id'] === 'string' &&
    Number.isSafeInteger(event['output_index']) &&
    (!('content_index' in event) ||
      Number.isSafeInteger(event['content_index'])) &&
    typeof event['delta'] === 'string'
  );
}
