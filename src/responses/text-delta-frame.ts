import { flatCopy } from '../common/strings/flat-copy.js';
import type { ResponseStreamEvent } from './core/responses.types.js';

/** The event the machine emits once per upstream text chunk: the hot path. */
interface TextDeltaEvent extends ResponseStreamEvent {
  type: 'response.output_text.delta';
  item_id: string;
  output_index: number;
  content_index: number;
  delta: string;
  logprobs: unknown[];
}

/**
 * The SSE frame of an `output_text.delta` event, built from a template with
 * the same text `JSON.stringify` would produce (the spec test checks that):
 * only the strings are escaped, which halves the cost of the most frequent
 * frame. Anything unusual (extra fields, logprobs) takes the generic path.
 */
export function textDeltaFrame(event: ResponseStreamEvent): string | undefined {
  if (event.type !== 'response.output_text.delta') {
    return undefined;
  }
  const delta = event as TextDeltaEvent & { obfuscation?: unknown };
  // The machine builds this event with exactly these fields; the optional
  // ones the spec allows (logprobs entries, obfuscation) take the generic path.
  if (delta.logprobs.length !== 0 || delta.obfuscation !== undefined) {
    return undefined;
  }
  return (
    'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":' +
    String(delta.sequence_number) +
    placementOf(delta) +
    JSON.stringify(delta.delta) +
    ',"logprobs":[]}\n\n'
  );
}

/** The last item placement written, reused: it is the same for a whole part. */
let lastPlacement = { itemId: '', output: -1, content: -1, text: '' };

/** `,"item_id":…,"output_index":…,"content_index":…,"delta":` for an event. */
function placementOf(delta: TextDeltaEvent): string {
  const last = lastPlacement;
  if (
    last.itemId === delta.item_id &&
    last.output === delta.output_index &&
    last.content === delta.content_index
  ) {
    return last.text;
  }
  // Kept for the whole part and embedded in every frame: flat, see flatCopy.
  const text = flatCopy(
    ',"item_id":' +
      JSON.stringify(delta.item_id) +
      ',"output_index":' +
      String(delta.output_index) +
      ',"content_index":' +
      String(delta.content_index) +
      ',"delta":',
  );
  lastPlacement = {
    itemId: delta.item_id,
    output: delta.output_index,
    content: delta.content_index,
    text,
  };
  return text;
}
