import { Stream } from '@anthropic-ai/sdk/core/streaming';
import { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import { from, lastValueFrom, toArray } from 'rxjs';
import { expect } from 'vitest';
import { chunk } from '../../../test/support/chat-chunks.js';
import type {
  AnthropicMessage,
  AnthropicOutputBlock,
  AnthropicStreamEvent,
} from '../../protocol/anthropic-messages.types.js';
import type { ChatCompletionChunk } from '../../protocol/chat-completion.types.js';
import { ThinkingSignature } from '../core/thinking-signature.js';
import { finalMessage } from './message-accumulator.js';
import { type MessageEventsContext, messageEvents } from './message-events.js';
import { messagesSseFormat } from './messages-sse.format.js';

/** The delta types each kind of block may receive. */
const DELTAS: Record<AnthropicOutputBlock['type'], readonly string[]> = {
  text: ['text_delta'],
  thinking: ['thinking_delta', 'signature_delta'],
  tool_use: ['input_json_delta'],
};

/**
 * Asserts that `events` is one well-formed Messages stream: message_start
 * first; blocks opened, fed and closed one at a time with indexes 0, 1, 2…,
 * each fed only its own kinds of delta; a tool_use block whole (at most
 * one input_json_delta); a thinking block signed (a valid signature, once,
 * last); message_delta then message_stop last; pings only in between.
 */
export function checkMessageEvents(
  events: readonly AnthropicStreamEvent[],
  signature: ThinkingSignature,
): void {
  const types = events.map((event) => event.type);
  expect(types[0]).toBe('message_start');
  expect(types.filter((type) => type !== 'ping').slice(-2)).toEqual([
    'message_delta',
    'message_stop',
  ]);
  expect(types.at(-1)).toBe('message_stop');
  expect(types.filter((type) => type === 'message_start')).toHaveLength(1);
  let open: { index: number; block: AnthropicOutputBlock } | undefined;
  let next = 0;
  let thinking = '';
  let signed: string | undefined;
  let inputs = 0;
  for (const event of events.slice(1, -2)) {
    switch (event.type) {
      case 'content_block_start':
        expect(open).toBeUndefined();
        expect(event.index).toBe(next);
        open = { index: next, block: event.content_block };
        [thinking, signed, inputs] = ['', undefined, 0];
        break;
      case 'content_block_delta':
        expect(open?.index).toBe(event.index);
        expect(DELTAS[open!.block.type]).toContain(event.delta.type);
        expect(signed).toBeUndefined();
        if (event.delta.type === 'input_json_delta') {
          expect(inputs).toBe(0);
          inputs += 1;
        }
        if (event.delta.type === 'thinking_delta') {
          thinking += event.delta.thinking;
        } else if (event.delta.type === 'signature_delta') {
          signed = event.delta.signature;
        }
        break;
      case 'content_block_stop':
        expect(open?.index).toBe(event.index);
        if (open?.block.type === 'thinking') {
          expect(signature.verify(thinking, signed ?? '')).toBe(true);
        }
        open = undefined;
        next += 1;
        break;
      case 'ping':
        break;
      case 'message_start':
      case 'message_delta':
      case 'message_stop':
        throw new Error(`${event.type} in the middle of a message`);
    }
  }
  expect(open).toBeUndefined();
}

/** The SSE body messagesSseFormat writes for `events`. */
export function sseOf(events: readonly AnthropicStreamEvent[]): string {
  return events
    .map((event) => {
      const frame = messagesSseFormat.frame(event);
      if (typeof frame !== 'string') {
        throw new Error('a Messages frame as bytes');
      }
      return frame;
    })
    .join('');
}

/**
 * The message the Anthropic SDK makes of `events`: written as SSE by
 * messagesSseFormat, read by the SDK's SSE reader (which skips pings), and
 * folded by its MessageStream.
 */
export async function sdkMessageOf(
  events: readonly AnthropicStreamEvent[],
): Promise<unknown> {
  const sse = Stream.fromSSEResponse(
    new Response(sseOf(events), {
      headers: { 'content-type': 'text/event-stream' },
    }),
    new AbortController(),
  );
  const stream = MessageStream.fromReadableStream(sse.toReadableStream());
  // Plain JSON, as a client would send it on: no lazy getters, and without
  // the SDK's own `parsed_output` (its structured-output parse, no wire field).
  const { parsed_output: _parsed, ...message } = await stream.finalMessage();
  return JSON.parse(JSON.stringify(message)) as unknown;
}

/** A signature for tests. */
export const testSignature = new ThinkingSignature('secret');

export const testContext: MessageEventsContext = {
  id: 'msg_1',
  model: 'claude-x',
  signature: testSignature,
  stopSequences: ['END'],
  splitThinkTags: true,
};

/**
 * The events of `chunks` (checked for form) and the message they add up
 * to, which must be the one the SDK folds from them too.
 */
export async function answerOf(
  chunks: Record<string, unknown>[],
  overrides: Partial<MessageEventsContext> = {},
): Promise<{ events: AnthropicStreamEvent[]; message: AnthropicMessage }> {
  const events = await lastValueFrom(
    from(chunks as ChatCompletionChunk[]).pipe(
      messageEvents({ ...testContext, ...overrides }),
      toArray(),
    ),
  );
  checkMessageEvents(events, testSignature);
  const message = await finalMessage(from(events));
  expect(await sdkMessageOf(events)).toEqual(message);
  return { events, message };
}

/** A chunk with one tool-call delta holding only the given fields. */
export function toolCallChunk(
  index: number,
  fields: { id?: string; name?: string; arguments?: string },
): Record<string, unknown> {
  return chunk({
    tool_calls: [
      {
        index,
        ...(fields.id === undefined ? {} : { id: fields.id }),
        function: {
          ...(fields.name === undefined ? {} : { name: fields.name }),
          ...(fields.arguments === undefined
            ? {}
            : { arguments: fields.arguments }),
        },
      },
    ],
  });
}
