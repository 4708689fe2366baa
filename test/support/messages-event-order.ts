import type Anthropic from '@anthropic-ai/sdk';
import { expect } from 'vitest';
import { streamEventProblems } from './messages-events.js';
import type { StreamEvent } from './messages-sdk.js';

type BlockStart = Extract<StreamEvent, { type: 'content_block_start' }>;
type Delta = Extract<StreamEvent, { type: 'content_block_delta' }>['delta'];

/** A content block as folded from its events, independently of the SDK. */
export type FoldedBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown };

/**
 * Checks a whole Messages stream (pings left out) and folds its blocks:
 * every event is one of the SDK's RawMessageStreamEvent; message_start
 * first, then per block start / delta* / stop with indexes 0, 1, 2… and no
 * interleaving, then message_delta and message_stop, each exactly once. A
 * block's deltas are of its kind: text_delta for text; thinking_delta then
 * exactly one non-empty signature_delta, last, for thinking;
 * input_json_delta pieces that join into a JSON object (or nothing) for
 * tool_use.
 */
export function expectWellFormedStream(events: StreamEvent[]): FoldedBlock[] {
  const problems = events.flatMap((event, i) =>
    streamEventProblems(event).map((p) => `event ${i} ${event.type}: ${p}`),
  );
  expect(problems, 'events are the SDK types').toEqual([]);
  const types = events.map((event) => event.type);
  expect(types[0], 'first event').toBe('message_start');
  expect(types.slice(-2), 'last events').toEqual([
    'message_delta',
    'message_stop',
  ]);
  for (const once of ['message_start', 'message_delta', 'message_stop']) {
    expect(
      types.filter((type) => type === once),
      once,
    ).toHaveLength(1);
  }
  const blocks: FoldedBlock[] = [];
  let at = 1;
  while (at < events.length - 2) {
    const start = events[at] as BlockStart;
    const index = blocks.length;
    expect(start.type, `event ${at}`).toBe('content_block_start');
    expect(start.index, `event ${at} index`).toBe(index);
    at += 1;
    const deltas: Delta[] = [];
    while (events[at]?.type === 'content_block_delta') {
      const event = events[at] as Extract<
        StreamEvent,
        { type: 'content_block_delta' }
      >;
      expect(event.index, `event ${at} index`).toBe(index);
      deltas.push(event.delta);
      at += 1;
    }
    expect(events[at], `block ${index} ends`).toEqual({
      type: 'content_block_stop',
      index,
    });
    at += 1;
    blocks.push(foldBlock(start.content_block, deltas, index));
  }
  return blocks;
}

/** The text a delta adds to its block's field. */
function deltaText(delta: Delta): string {
  switch (delta.type) {
    case 'text_delta':
      return delta.text;
    case 'thinking_delta':
      return delta.thinking;
    case 'signature_delta':
      return delta.signature;
    case 'input_json_delta':
      return delta.partial_json;
    case 'citations_delta':
      return '';
  }
}

function foldBlock(
  block: BlockStart['content_block'],
  deltas: Delta[],
  index: number,
): FoldedBlock {
  const kinds = deltas.map((delta) => delta.type);
  const joined = (kind: Delta['type']): string =>
    deltas
      .filter((delta) => delta.type === kind)
      .map(deltaText)
      .join('');
  if (block.type === 'text') {
    expect(block.text, `block ${index} starts empty`).toBe('');
    expect(new Set(kinds), `block ${index} deltas`).toEqual(
      new Set(kinds.length === 0 ? [] : ['text_delta']),
    );
    return { type: 'text', text: joined('text_delta') };
  }
  if (block.type === 'thinking') {
    expect(block.thinking, `block ${index} starts empty`).toBe('');
    expect(kinds.at(-1), `block ${index} ends with a signature`).toBe(
      'signature_delta',
    );
    expect(kinds.filter((kind) => kind !== 'thinking_delta')).toEqual([
      'signature_delta',
    ]);
    const signature = joined('signature_delta');
    expect(signature.length, 'signature is not empty').toBeGreaterThan(0);
    return { type: 'thinking', thinking: joined('thinking_delta'), signature };
  }
  if (block.type === 'tool_use') {
    expect(block.input, `block ${index} input starts empty`).toEqual({});
    expect(kinds.every((kind) => kind === 'input_json_delta')).toBe(true);
    const json = joined('input_json_delta');
    const input: unknown = json === '' ? {} : JSON.parse(json);
    expect(typeof input === 'object' && input !== null).toBe(true);
    return { type: 'tool_use', id: block.id, name: block.name, input };
  }
  throw new Error(`unexpected block ${block.type}`);
}

/** The events without `ping`s (a raw stream may carry them; the SDK drops them). */
export function withoutPings(events: { type: string }[]): StreamEvent[] {
  return events.filter((event) => event.type !== 'ping') as StreamEvent[];
}

/** The final message's content as plain data, to compare with FoldedBlock[]. */
export function plainContent(message: Anthropic.Message): unknown {
  return JSON.parse(JSON.stringify(message.content));
}
