import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { chunk, usageChunk } from '../../../test/support/chat-chunks.js';
import type { ChatCompletionChunk } from '../../protocol/chat-completion.types.js';
import { toChatChunks, toChatCompletion } from './chat-loop-stream.js';
import type { ToolLoopEvent } from './tool-loop.types.js';

const at = (
  round: number,
  raw: Record<string, unknown>,
  id = `chatcmpl-${round}`,
): ToolLoopEvent => ({
  type: 'chunk',
  round,
  chunk: { ...(raw as ChatCompletionChunk), id },
});

/** Two rounds as the loop reports them: text, (a tool ran), text, then the end. */
const twoRounds: ToolLoopEvent[] = [
  at(1, chunk({ role: 'assistant', content: 'Let me look. ' })),
  at(1, usageChunk(10, 5)),
  at(2, chunk({ role: 'assistant', content: 'Found ' })),
  at(2, chunk({ content: 'it.' })),
  at(2, usageChunk(20, 7)),
  { type: 'finished', reason: 'answer', finishReason: 'stop' },
];

const collect = (
  events: ToolLoopEvent[],
  includeUsage: boolean,
): Promise<ChatCompletionChunk[]> =>
  lastValueFrom(toChatChunks(from(events), { includeUsage }).pipe(toArray()));

describe(toChatChunks.name, () => {
  it('makes one stream: one id, one role, the finish_reason last, usage summed', async () => {
    const chunks = await collect(twoRounds, true);

    expect(new Set(chunks.map((c) => c.id))).toEqual(new Set(['chatcmpl-1']));
    expect(
      chunks.filter((c) => c.choices.some((choice) => choice.delta.role)),
    ).toHaveLength(1);
    expect(chunks.map((c) => c.choices[0]?.finish_reason ?? null)).toEqual([
      null,
      null,
      null,
      'stop',
      null,
    ]);
    expect(chunks.map((c) => c.choices[0]?.delta.content).join('')).toBe(
      'Let me look. Found it.',
    );
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 30, completion_tokens: 12, total_tokens: 42 },
    });
  });

  it("puts the last round's stop string on the finish chunk, not an earlier round's", async () => {
    const stoppedAt = (
      round: number,
      fields: Record<string, unknown>,
    ): ToolLoopEvent => {
      const raw = chunk({});
      Object.assign((raw['choices'] as object[])[0]!, fields);
      return at(round, raw);
    };
    const finished: ToolLoopEvent = {
      type: 'finished',
      reason: 'answer',
      finishReason: 'stop',
    };
    const finishOf = async (events: ToolLoopEvent[]) =>
      (await collect(events, true)).find(
        (c) => c.choices[0]?.finish_reason === 'stop',
      )?.choices[0];

    const last = await finishOf([
      at(1, chunk({ role: 'assistant', content: 'Looking. ' })),
      stoppedAt(1, { stop_reason: null }),
      at(2, chunk({ content: 'One, two' })),
      stoppedAt(2, { stop_reason: 'END', matched_stop: 'END' }),
      at(2, usageChunk()),
      finished,
    ]);
    const earlier = await finishOf([
      stoppedAt(1, { stop_reason: 'END' }),
      at(2, chunk({ content: 'One, two' })),
      finished,
    ]);

    expect(last).toMatchObject({ stop_reason: 'END', matched_stop: 'END' });
    expect(earlier).not.toHaveProperty('stop_reason');
  });

  it('sends no usage unless the client asked for it', async () => {
    const chunks = await collect(twoRounds, false);
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
  });
});

describe(toChatCompletion.name, () => {
  it('collects the stream into one message with the client tool calls', async () => {
    const completion = toChatCompletion(
      await collect(
        [
          at(1, chunk({ role: 'assistant', content: 'Calling.' })),
          at(
            1,
            chunk({
              tool_calls: [
                {
                  index: 0,
                  id: 'call_w',
                  type: 'function',
                  function: { name: 'get_weather', arguments: '{"ci' },
                },
              ],
            }),
          ),
          at(
            1,
            chunk({
              tool_calls: [
                { index: 0, function: { arguments: 'ty":"Oslo"}' } },
              ],
            }),
          ),
          at(1, usageChunk(3, 4)),
          {
            type: 'finished',
            reason: 'client_tools',
            finishReason: 'tool_calls',
          },
        ],
        true,
      ),
    );
    expect(completion).toMatchObject({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: 'Calling.',
            tool_calls: [
              {
                id: 'call_w',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
              },
            ],
          },
        },
      ],
      usage: { total_tokens: 7 },
    });
  });
});
