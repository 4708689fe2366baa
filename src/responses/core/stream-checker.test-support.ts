import { isDeepStrictEqual } from 'node:util';
import { isRecord } from '../../common/is-record.js';
import type { ResponseStreamEvent } from '../../protocol/responses.types.js';

/**
 * Test support (not used by the gateway): replays a Responses event stream
 * the way openai-node's ResponseStream accumulator does (§3.6) and throws on
 * anything a client would reject, plus the gateway's own rules: sequence
 * numbers from 0, no interleaved items, exactly one terminal event, last.
 */
export interface CheckedStream {
  /** The `response` of the terminal event. */
  final: Record<string, unknown>;
  /** The items as accumulated from the item events. */
  items: Record<string, unknown>[];
}

const TERMINAL = new Set([
  'response.completed',
  'response.incomplete',
  'response.failed',
]);

type Item = Record<string, unknown>;

export function checkStream(
  events: readonly ResponseStreamEvent[],
): CheckedStream {
  const fail = (index: number, message: string): never => {
    throw new Error(`event #${index} (${events[index]?.type}): ${message}`);
  };
  if (events[0]?.type !== 'response.created') {
    fail(0, 'the first event must be response.created');
  }
  const items: Item[] = [];
  const ids = new Set<string>();
  let open: number | undefined;
  let final: Item | undefined;
  for (const [index, event] of events.entries()) {
    if (event.sequence_number !== index) {
      fail(
        index,
        `sequence_number ${event.sequence_number}, expected ${index}`,
      );
    }
    if (final !== undefined) {
      fail(index, 'event after the terminal event');
    }
    const type = event.type;
    if (type.startsWith('response.') && isRecord(event['response'])) {
      if (TERMINAL.has(type)) {
        final = event['response'];
      }
      continue;
    }
    if (type === 'keepalive') {
      continue;
    }
    const outputIndex = event['output_index'];
    if (type === 'response.output_item.added') {
      const item = asItem(event['item'], () => fail(index, 'no item'));
      if (open !== undefined) {
        fail(index, `item ${open} is still open`);
      }
      if (outputIndex !== items.length) {
        fail(
          index,
          `output_index ${String(outputIndex)}, expected ${items.length}`,
        );
      }
      if (
        typeof item['id'] !== 'string' ||
        item['id'] === '' ||
        ids.has(item['id'])
      ) {
        fail(index, 'missing or duplicate item id');
      }
      ids.add(String(item['id']));
      items.push(structuredClone(item));
      open = items.length - 1;
      continue;
    }
    if (typeof outputIndex !== 'number' || outputIndex !== open) {
      fail(index, `output_index ${String(outputIndex)} is not the open item`);
    }
    const item = items[outputIndex as number] as Item;
    if (type === 'response.output_item.done') {
      const done = asItem(event['item'], () => fail(index, 'no item'));
      for (const key of ['id', 'type', 'call_id']) {
        if (done[key] !== item[key]) {
          fail(index, `done item changed ${key}`);
        }
      }
      if (!isDeepStrictEqual(streamedPart(done), streamedPart(item))) {
        fail(index, `done item differs from the streamed one`);
      }
      items[outputIndex as number] = structuredClone(done);
      open = undefined;
      continue;
    }
    if (event['item_id'] !== item['id']) {
      fail(index, 'item_id differs from the item at output_index');
    }
    applyItemEvent(event, item, (message) => fail(index, message));
  }
  if (final === undefined) {
    return fail(events.length - 1, 'no terminal event');
  }
  if (open !== undefined) {
    fail(events.length - 1, `item ${open} was never closed`);
  }
  if (!isDeepStrictEqual(final['output'], items)) {
    fail(events.length - 1, 'terminal output differs from the streamed items');
  }
  return { final, items };
}

function applyItemEvent(
  event: ResponseStreamEvent,
  item: Item,
  fail: (message: string) => never,
): void {
  const delta = typeof event['delta'] === 'string' ? event['delta'] : '';
  const content = Array.isArray(item['content'])
    ? (item['content'] as Item[])
    : [];
  const part = (): Item => {
    const found = content[Number(event['content_index'])];
    return found ?? fail(`no content part ${String(event['content_index'])}`);
  };
  const expectType = (type: string): void => {
    if (item['type'] !== type) {
      fail(`${event.type} on a ${String(item['type'])} item`);
    }
  };
  const expectEqual = (
    actual: unknown,
    expected: unknown,
    what: string,
  ): void => {
    if (actual !== expected) {
      fail(
        `${what} ${JSON.stringify(actual)} != streamed ${JSON.stringify(expected)}`,
      );
    }
  };
  switch (event.type) {
    case 'response.content_part.added':
      if (event['content_index'] !== content.length) {
        fail('content_index is not the next part');
      }
      content.push(
        structuredClone(asItem(event['part'], () => fail('no part'))),
      );
      item['content'] = content;
      return;
    case 'response.content_part.done':
      if (!isDeepStrictEqual(event['part'], part())) {
        fail('content_part.done part differs');
      }
      return;
    case 'response.output_text.delta':
    case 'response.output_text.done':
      expectType('message');
      if (
        part()['type'] !== 'output_text' ||
        !Array.isArray(event['logprobs'])
      ) {
        fail('output_text event without an output_text part or logprobs');
      }
      if (event.type.endsWith('delta')) {
        part()['text'] = String(part()['text']) + delta;
      } else {
        expectEqual(event['text'], part()['text'], 'text');
      }
      return;
    case 'response.refusal.delta':
      part()['refusal'] = String(part()['refusal']) + delta;
      return;
    case 'response.refusal.done':
      expectEqual(event['refusal'], part()['refusal'], 'refusal');
      return;
    case 'response.reasoning_text.delta':
      expectType('reasoning');
      part()['text'] = String(part()['text']) + delta;
      return;
    case 'response.reasoning_text.done':
      expectEqual(event['text'], part()['text'], 'reasoning text');
      return;
    case 'response.reasoning_summary_part.added':
    case 'response.reasoning_summary_part.done':
    case 'response.reasoning_summary_text.delta':
    case 'response.reasoning_summary_text.done':
      expectType('reasoning');
      applySummaryEvent(event, item, fail);
      return;
    case 'response.function_call_arguments.delta':
      expectType('function_call');
      item['arguments'] = String(item['arguments']) + delta;
      return;
    case 'response.function_call_arguments.done':
      expectType('function_call');
      expectEqual(event['arguments'], item['arguments'], 'arguments');
      expectEqual(event['name'], item['name'], 'name');
      return;
    case 'response.custom_tool_call_input.delta':
      expectType('custom_tool_call');
      item['input'] = String(item['input']) + delta;
      return;
    case 'response.custom_tool_call_input.done':
      expectType('custom_tool_call');
      expectEqual(event['input'], item['input'], 'input');
      return;
    case 'response.mcp_call_arguments.delta':
      expectType('mcp_call');
      item['arguments'] = String(item['arguments']) + delta;
      return;
    case 'response.mcp_call_arguments.done':
      expectType('mcp_call');
      expectEqual(event['arguments'], item['arguments'], 'arguments');
      return;
    case 'response.mcp_call.in_progress':
    case 'response.mcp_call.completed':
    case 'response.mcp_call.failed':
      expectType('mcp_call');
      return;
    case 'response.mcp_list_tools.in_progress':
    case 'response.mcp_list_tools.completed':
    case 'response.mcp_list_tools.failed':
      expectType('mcp_list_tools');
      return;
    default:
      fail('unexpected event type');
  }
}

/** A reasoning summary event, replayed like openai-node's accumulator. */
function applySummaryEvent(
  event: ResponseStreamEvent,
  item: Item,
  fail: (message: string) => never,
): void {
  const summary = Array.isArray(item['summary'])
    ? (item['summary'] as Item[])
    : fail('reasoning item without a summary list');
  const index = event['summary_index'];
  if (event.type === 'response.reasoning_summary_part.added') {
    if (index !== summary.length) {
      fail('summary_index is not the next part');
    }
    summary.push(structuredClone(asItem(event['part'], () => fail('no part'))));
    return;
  }
  const part =
    summary[Number(index)] ?? fail(`no summary part ${String(index)}`);
  switch (event.type) {
    case 'response.reasoning_summary_text.delta':
      part['text'] = String(part['text']) + String(event['delta']);
      return;
    case 'response.reasoning_summary_text.done':
      if (event['text'] !== part['text']) {
        fail('summary text differs from the streamed one');
      }
      return;
    default:
      if (!isDeepStrictEqual(event['part'], part)) {
        fail('reasoning_summary_part.done part differs');
      }
  }
}

/**
 * The fields item events stream: not the status, nor what only the done
 * item carries (an mcp_call's output or error, an mcp_list_tools' tools, a
 * message's phase, known once the items after it are).
 */
function streamedPart(item: Item): Item {
  const { status: _status, ...rest } = item;
  if (rest['type'] === 'message') {
    const { phase: _phase, ...message } = rest;
    return message;
  }
  if (rest['type'] === 'mcp_call') {
    const { output: _output, error: _error, ...call } = rest;
    return call;
  }
  if (rest['type'] === 'mcp_list_tools') {
    const { tools: _tools, ...list } = rest;
    return list;
  }
  return rest;
}

function asItem(value: unknown, onMissing: () => never): Item {
  return isRecord(value) ? value : onMissing();
}
