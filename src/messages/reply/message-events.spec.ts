import { concat, from, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  chunk,
  textStream,
  usageChunk,
} from '../../../test/support/chat-chunks.js';
import type { AnthropicStreamEvent } from '../../protocol/anthropic-messages.types.js';
import type { ChatCompletionChunk } from '../../protocol/chat-completion.types.js';
import { messageEvents } from './message-events.js';
import {
  answerOf,
  testContext,
  testSignature,
} from './message-events.test-support.js';

describe(messageEvents.name, () => {
  it('streams text as one text block, then the stop reason and the usage', async () => {
    const { events, message } = await answerOf(textStream(['Hel', 'lo']));

    expect(events.map((event) => event.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0]).toEqual({
      type: 'message_start',
      message: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-x',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: 0,
          output_tokens: 0,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
      },
    });
    expect(message).toMatchObject({
      content: [{ type: 'text', text: 'Hello' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 20 },
    });
  });

  it('counts cached prompt tokens as cache reads, not again as input', async () => {
    const chunks = textStream(['x']);
    chunks[chunks.length - 1] = usageChunk(100, 5, {
      prompt_tokens_details: { cached_tokens: 60 },
    });

    const { message } = await answerOf(chunks);

    expect(message.usage).toEqual({
      input_tokens: 40,
      output_tokens: 5,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 60,
    });
  });

  it.each([
    ['reasoning_content', { reasoning_content: 'Let me think.' }],
    ['reasoning', { reasoning: 'Let me think.' }],
  ])('makes %s a signed thinking block before the text', async (_, delta) => {
    const { message } = await answerOf([
      chunk(delta),
      chunk({ content: 'Done.' }),
      chunk({}, 'stop'),
    ]);

    expect(message.content).toEqual([
      {
        type: 'thinking',
        thinking: 'Let me think.',
        signature: testSignature.sign('Let me think.'),
      },
      { type: 'text', text: 'Done.' },
    ]);
  });

  it('prefers reasoning_content over reasoning in one delta', async () => {
    const { message } = await answerOf([
      chunk({ reasoning_content: 'A', reasoning: 'B' }),
    ]);

    expect(message.content).toMatchObject([
      { type: 'thinking', thinking: 'A' },
    ]);
  });

  it('splits a leading <think> block, even across chunks, unless told not to', async () => {
    const chunks = [
      chunk({ content: '<thi' }),
      chunk({ content: 'nk>Hmm.</th' }),
      chunk({ content: 'ink>\nYes.' }),
      chunk({}, 'stop'),
    ];

    const split = await answerOf(chunks);
    const kept = await answerOf(chunks, { splitThinkTags: false });

    expect(split.message.content).toMatchObject([
      { type: 'thinking', thinking: 'Hmm.' },
      { type: 'text', text: 'Yes.' },
    ]);
    expect(kept.message.content).toEqual([
      { type: 'text', text: '<think>Hmm.</think>\nYes.' },
    ]);
  });

  it('sends no thinking block when told not to, and keeps <think> text out of the text', async () => {
    const { events, message } = await answerOf(
      [
        chunk({ reasoning_content: 'Let me think.' }),
        chunk({ content: 'Done.' }),
        chunk({}, 'stop'),
      ],
      { thinking: false },
    );
    const tagged = await answerOf(
      [
        chunk({ content: '<think>Hmm.</th' }),
        chunk({ content: 'ink>\nYes.' }),
        chunk({}, 'stop'),
      ],
      { thinking: false },
    );

    expect(message.content).toEqual([{ type: 'text', text: 'Done.' }]);
    expect(
      events.some(
        (event) =>
          event.type === 'content_block_delta' &&
          event.delta.type !== 'text_delta',
      ),
    ).toBe(false);
    expect(tagged.message.content).toEqual([{ type: 'text', text: 'Yes.' }]);
  });

  it('makes an unclosed <think> block at the end thinking', async () => {
    const { message } = await answerOf([chunk({ content: '<think>Hmm' })]);

    expect(message.content).toMatchObject([
      { type: 'thinking', thinking: 'Hmm' },
    ]);
  });

  it('writes a refusal as text, and content_filter as refusal', async () => {
    const { message } = await answerOf([
      chunk({ refusal: 'No.' }),
      chunk({}, 'content_filter'),
    ]);

    expect(message.content).toEqual([{ type: 'text', text: 'No.' }]);
    expect(message.stop_reason).toBe('refusal');
  });

  it.each([
    ['stop', undefined, 'end_turn', null],
    ['stop', 'END', 'stop_sequence', 'END'],
    ['stop', 'NOT ASKED', 'end_turn', null],
    ['length', undefined, 'max_tokens', null],
    // A tool_calls finish without any call left: no call to run.
    ['tool_calls', undefined, 'end_turn', null],
    ['content_filter', undefined, 'refusal', null],
    ['abort', undefined, 'end_turn', null],
    [null, undefined, 'end_turn', null],
  ])(
    'maps finish_reason %s (stop string %s) to %s',
    async (finish, stopString, reason, sequence) => {
      const last = chunk({}, finish);
      if (stopString !== undefined) {
        (last['choices'] as Record<string, unknown>[])[0]!['stop_reason'] =
          stopString;
      }
      const { message } = await answerOf([chunk({ content: 'x' }), last]);

      expect(message.stop_reason).toBe(reason);
      expect(message.stop_sequence).toBe(sequence);
    },
  );

  it("reads SGLang's matched_stop as the stop string", async () => {
    const last = chunk({}, 'stop');
    (last['choices'] as Record<string, unknown>[])[0]!['matched_stop'] = 'END';

    const { message } = await answerOf([chunk({ content: 'x' }), last]);

    expect(message.stop_reason).toBe('stop_sequence');
  });

  it('makes an empty answer a whole message without content', async () => {
    const silent = await answerOf([
      chunk({ content: '' }, 'stop'),
      usageChunk(),
    ]);
    const nothing = await answerOf([]);

    for (const { message } of [silent, nothing]) {
      expect(message).toMatchObject({
        content: [],
        stop_reason: 'end_turn',
      });
    }
  });

  it('passes an error of the chunks through, after what came before it', () => {
    const failure = new Error('upstream broke');
    const events: AnthropicStreamEvent[] = [];
    let error: unknown;

    concat(
      from([chunk({ content: 'x' })] as ChatCompletionChunk[]),
      throwError(() => failure),
    )
      .pipe(messageEvents(testContext))
      .subscribe({
        next: (event) => events.push(event),
        error: (caught: unknown) => (error = caught),
      });

    expect(error).toBe(failure);
    expect(events.map((event) => event.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
    ]);
  });
});
