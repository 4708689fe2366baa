import fc from 'fast-check';
import { from, lastValueFrom, throwError, concat, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { AnthropicStreamEvent } from '../../protocol/anthropic-messages.types.js';
import { ThinkingSignature } from '../core/thinking-signature.js';
import {
  blocksOf,
  brokenCallsOf,
  chunkAnswers,
  chunksOf,
} from './chunk-answers.test-support.js';
import { finalMessage } from './message-accumulator.js';
import { messageEvents } from './message-events.js';
import {
  checkMessageEvents,
  sdkMessageOf,
} from './message-events.test-support.js';

const signature = new ThinkingSignature('secret');

/** `events` with a ping after each event at `positions`, from message_start up to message_delta. */
function withPings(
  events: AnthropicStreamEvent[],
  positions: number[],
): AnthropicStreamEvent[] {
  const after = new Set(positions.map((p) => p % (events.length - 2)));
  return events.flatMap((event, i) =>
    after.has(i) ? [event, { type: 'ping' } as const] : [event],
  );
}

const start: AnthropicStreamEvent = {
  type: 'message_start',
  message: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'm',
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: {
      input_tokens: 7,
      output_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
  },
};

const toolUse = (partialJson: string[]): AnthropicStreamEvent[] => [
  {
    type: 'content_block_start',
    index: 0,
    content_block: { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} },
  },
  ...partialJson.map((partial_json): AnthropicStreamEvent => ({
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'input_json_delta', partial_json },
  })),
  { type: 'content_block_stop', index: 0 },
];

const end: AnthropicStreamEvent[] = [
  {
    type: 'message_delta',
    delta: { stop_reason: 'tool_use', stop_sequence: null },
    usage: {
      input_tokens: 7,
      output_tokens: 3,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
  },
  { type: 'message_stop' },
];

describe(finalMessage.name, () => {
  it('folds any chunk stream into the message the Anthropic SDK folds from its events', async () => {
    await fc.assert(
      fc.asyncProperty(
        chunkAnswers,
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 3 }),
        async (answer, splitThinkTags, thinking, pings) => {
          const invalid: [string, number, 'invalid' | 'cut'][] = [];
          const events = await lastValueFrom(
            from(chunksOf(answer)).pipe(
              messageEvents({
                id: 'msg_1',
                model: 'claude-x',
                signature,
                stopSequences: ['END'],
                splitThinkTags,
                thinking,
                onInvalidArguments: (name, length, outcome) =>
                  invalid.push([name, length, outcome]),
              }),
              toArray(),
            ),
          );
          const stream = withPings(events, pings);
          checkMessageEvents(stream, signature);

          const message = await finalMessage(from(stream));

          // The SDK never throws (broken arguments included) and agrees.
          expect(await sdkMessageOf(stream)).toEqual(message);
          expect(message.content).toEqual(
            blocksOf(answer, signature, thinking),
          );
          expect(invalid.sort()).toEqual(brokenCallsOf(answer).sort());
          const usage = answer.usage;
          expect(message.usage).toEqual({
            input_tokens: usage ? usage.prompt - usage.cached : 0,
            output_tokens: usage?.completion ?? 0,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: usage?.cached ?? 0,
          });
        },
      ),
    );
  });

  it('takes the whole partial_json of a tool_use as its input', async () => {
    const message = await finalMessage(
      from([start, ...toolUse(['{"a":[1,', '2]}']), ...end]),
    );

    expect(message.content).toEqual([
      { type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: [1, 2] } },
    ]);
    expect(message.usage).toMatchObject({ input_tokens: 7, output_tokens: 3 });
    expect(message.stop_reason).toBe('tool_use');
  });

  it.each([['{"a":'], ['[1]'], ['nope']])(
    'makes arguments that are no JSON object (%s) an empty input',
    async (json) => {
      const message = await finalMessage(
        from([start, ...toolUse([json]), ...end]),
      );

      expect(message.content).toMatchObject([{ input: {} }]);
    },
  );

  it('rejects events that end before message_stop', async () => {
    await expect(
      finalMessage(from([start, ...toolUse(['{}']), end[0]!])),
    ).rejects.toThrow(/before message_stop/);
    await expect(finalMessage(from([]))).rejects.toThrow(/before message_stop/);
  });

  it('rejects a second message_start', async () => {
    await expect(finalMessage(from([start, start, ...end]))).rejects.toThrow(
      /second message_start/,
    );
  });

  it('rejects with the error of the events', async () => {
    const failure = new Error('upstream broke');

    await expect(
      finalMessage(
        concat(
          from([start]),
          throwError(() => failure),
        ),
      ),
    ).rejects.toBe(failure);
  });
});
