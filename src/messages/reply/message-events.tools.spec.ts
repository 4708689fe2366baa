import { describe, expect, it } from 'vitest';
import { chunk, toolCallStream } from '../../../test/support/chat-chunks.js';
import { ISSUED_TOOL_USE_ID } from '../../../test/support/messages-http.js';
import { toolUseIdOf } from '../../../test/support/messages-sdk.js';
import { messageEvents } from './message-events.js';
import { answerOf, toolCallChunk } from './message-events.test-support.js';

describe(`${messageEvents.name}: tool calls`, () => {
  it('turns tool calls into tool_use blocks whose input is their arguments', async () => {
    const { events, message } = await answerOf(
      toolCallStream(
        [
          { id: 'call_a', name: 'get_weather', arguments: '{"city":"Oslo"}' },
          { id: 'call_b', name: 'get_time', arguments: '{"zone":"CET"}' },
        ],
        'Checking.',
      ),
    );

    expect(message.content).toEqual([
      { type: 'text', text: 'Checking.' },
      {
        type: 'tool_use',
        id: toolUseIdOf('call_a'),
        name: 'get_weather',
        input: { city: 'Oslo' },
      },
      {
        type: 'tool_use',
        id: toolUseIdOf('call_b'),
        name: 'get_time',
        input: { zone: 'CET' },
      },
    ]);
    expect(message.stop_reason).toBe('tool_use');
    const firstCallPieces = events.filter(
      (event) =>
        event.type === 'content_block_delta' &&
        event.index === 1 &&
        event.delta.type === 'input_json_delta',
    );
    expect(firstCallPieces).toEqual([
      {
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'input_json_delta', partial_json: '{"city":"Oslo"}' },
      },
    ]);
  });

  it('sends each call whole, once the stream ends: start, one input_json_delta, stop', async () => {
    const { events } = await answerOf([
      toolCallChunk(0, { id: 'a', name: 'f', arguments: '{"a":' }),
      toolCallChunk(0, { arguments: ' 1 }' }),
      chunk({}, 'tool_calls'),
    ]);

    expect(events.slice(1, -2)).toEqual([
      {
        type: 'content_block_start',
        index: 0,
        content_block: {
          type: 'tool_use',
          id: toolUseIdOf('a'),
          name: 'f',
          input: {},
        },
      },
      {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'input_json_delta', partial_json: '{"a": 1 }' },
      },
      { type: 'content_block_stop', index: 0 },
    ]);
  });

  it.each([
    ['truncated', ['{"path":"/tm', 'p/x"']],
    ['single-quoted', ["{'path': ", "'/tmp'}"]],
    ['followed by text', ['{"path":"/tmp"}', ' Done.']],
    ['an array', ['[1,', '2]']],
    ['a string', ['"/tmp"']],
    ['a number', ['42']],
    ['null', ['null']],
  ])(
    'sends arguments that are %s as {} and reports the tool and their length',
    async (_, pieces) => {
      const invalid: [string, number][] = [];
      const { events, message } = await answerOf(
        [
          toolCallChunk(0, { id: 'a', name: 'read_file' }),
          ...pieces.map((piece) => toolCallChunk(0, { arguments: piece })),
          chunk({}, 'tool_calls'),
        ],
        { onInvalidArguments: (name, length) => invalid.push([name, length]) },
      );

      expect(
        events.filter((event) => event.type === 'content_block_delta'),
      ).toEqual([
        {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'input_json_delta', partial_json: '{}' },
        },
      ]);
      expect(message.content).toEqual([
        {
          type: 'tool_use',
          id: toolUseIdOf('a'),
          name: 'read_file',
          input: {},
        },
      ]);
      expect(invalid).toEqual([['read_file', pieces.join('').length]]);
    },
  );

  it('reports nothing for arguments that are blank or a JSON object', async () => {
    const invalid: string[] = [];
    const { message } = await answerOf(
      [
        toolCallChunk(0, { id: 'a', name: 'blank', arguments: ' \n' }),
        toolCallChunk(1, { id: 'b', name: 'object', arguments: '{"x":1}' }),
        chunk({}, 'tool_calls'),
      ],
      { onInvalidArguments: (name) => invalid.push(name) },
    );

    expect(message.content).toMatchObject([
      { name: 'blank', input: {} },
      { name: 'object', input: { x: 1 } },
    ]);
    expect(invalid).toEqual([]);
  });

  it('gives interleaved calls whole blocks, in the order they began', async () => {
    const { message } = await answerOf([
      toolCallChunk(0, { id: 'a', name: 'first', arguments: '{"n":' }),
      toolCallChunk(1, { id: 'b', name: 'second', arguments: '{"m":' }),
      toolCallChunk(0, { arguments: '1}' }),
      toolCallChunk(1, { arguments: '2}' }),
      chunk({}, 'tool_calls'),
    ]);

    expect(message.content).toMatchObject([
      { type: 'tool_use', name: 'first', input: { n: 1 } },
      { type: 'tool_use', name: 'second', input: { m: 2 } },
    ]);
  });

  it('sends no input_json_delta for a call without arguments: its input is {}', async () => {
    const { events, message } = await answerOf([
      toolCallChunk(0, { id: 'a', name: 'now', arguments: '' }),
      chunk({}, 'tool_calls'),
    ]);

    expect(
      events.some(
        (event) =>
          event.type === 'content_block_delta' &&
          event.delta.type === 'input_json_delta',
      ),
    ).toBe(false);
    expect(message.content).toEqual([
      { type: 'tool_use', id: toolUseIdOf('a'), name: 'now', input: {} },
    ]);
  });

  it('opens a call once its name comes, with the arguments that came before', async () => {
    const { message } = await answerOf([
      toolCallChunk(0, { id: 'a', arguments: '{"x"' }),
      toolCallChunk(0, { name: 'late', arguments: ':1}' }),
      toolCallChunk(1, { id: 'b', arguments: '{}' }),
      chunk({}, 'tool_calls'),
    ]);

    expect(message.content).toEqual([
      {
        type: 'tool_use',
        id: toolUseIdOf('a'),
        name: 'late',
        input: { x: 1 },
      },
    ]);
  });

  it('gives a call id the backend reuses answer after answer a new tool_use id each time', async () => {
    // Kimi K2 on vLLM names its first call `functions.Bash:0` in every answer.
    const answer = () =>
      answerOf([
        toolCallChunk(0, {
          id: 'functions.Bash:0',
          name: 'Bash',
          arguments: '{}',
        }),
        chunk({}, 'tool_calls'),
      ]);
    const ids: string[] = [];
    for (const { message } of [await answer(), await answer()]) {
      ids.push(
        ...message.content.flatMap((block) =>
          block.type === 'tool_use' ? [block.id] : [],
        ),
      );
    }

    expect(ids).toEqual([
      toolUseIdOf('functions.Bash:0'),
      toolUseIdOf('functions.Bash:0'),
    ]);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('makes up an id for a call that has none', async () => {
    const { message } = await answerOf([
      toolCallChunk(0, { name: 'f', arguments: '{}' }),
    ]);

    expect(message.content[0]).toMatchObject({
      type: 'tool_use',
      id: expect.stringMatching(ISSUED_TOOL_USE_ID),
    });
  });

  it('holds text that comes during a call until after its block', async () => {
    const { message } = await answerOf([
      toolCallChunk(0, { id: 'a', name: 'f', arguments: '{"a":' }),
      chunk({ content: 'Meanwhile.' }),
      toolCallChunk(0, { arguments: '1}' }),
      chunk({}, 'tool_calls'),
    ]);

    expect(message.content).toMatchObject([
      { type: 'tool_use', input: { a: 1 } },
      { type: 'text', text: 'Meanwhile.' },
    ]);
  });

  it.each([
    ['stop', 'tool_use'],
    [null, 'tool_use'],
    ['length', 'max_tokens'],
  ])(
    'ends a message with a call and finish_reason %s in %s',
    async (finish, reason) => {
      const { message } = await answerOf([
        toolCallChunk(0, { id: 'a', name: 'f', arguments: '{}' }),
        chunk({}, finish),
      ]);

      expect(message.stop_reason).toBe(reason);
    },
  );

  it('keeps content the <think> splitter held back before the call that follows it', async () => {
    const { message } = await answerOf([
      chunk({ content: '\n' }),
      toolCallChunk(0, { id: 'a', name: 'f', arguments: '{}' }),
      chunk({ content: 'after' }),
      chunk({}, 'tool_calls'),
    ]);

    expect(message.content).toMatchObject([
      { type: 'text', text: '\n' },
      { type: 'tool_use', name: 'f' },
      { type: 'text', text: 'after' },
    ]);
  });
});

describe('messageEvents, an answer cut short inside a tool call', () => {
  const call = (id: string, name: string, args: string) =>
    chunk({
      tool_calls: [
        { index: 0, id, type: 'function', function: { name, arguments: args } },
      ],
    });

  it.each(['length', 'content_filter', 'abort'])(
    'leaves out a call cut off mid-arguments (finish %s), and says so',
    async (finish) => {
      const reported: [string, number, string][] = [];
      const { message } = await answerOf(
        [
          chunk({ content: 'Writing it.' }),
          call('call_w', 'Write', '{"file_path":"/tmp/a","content":"hel'),
          chunk({}, finish),
        ],
        {
          onInvalidArguments: (name, length, outcome) =>
            reported.push([name, length, outcome]),
        },
      );

      expect(message.content).toEqual([{ type: 'text', text: 'Writing it.' }]);
      expect(message.stop_reason).not.toBe('tool_use');
      expect(reported).toEqual([['Write', 36, 'cut']]);
    },
  );

  it('keeps a whole call of an answer cut short after it', async () => {
    const { message } = await answerOf([
      call('call_r', 'Read', '{"file_path":"/tmp/a"}'),
      chunk({}, 'length'),
    ]);

    expect(message.content).toMatchObject([
      { type: 'tool_use', name: 'Read', input: { file_path: '/tmp/a' } },
    ]);
    expect(message.stop_reason).toBe('max_tokens');
  });

  it('ends in end_turn when a tool_calls finish leaves no call to run', async () => {
    const { message } = await answerOf([
      chunk({ content: 'x' }),
      chunk({
        tool_calls: [{ index: 0, id: 'call_1', function: { arguments: '{}' } }],
      }),
      chunk({}, 'tool_calls'),
    ]);

    expect(message.content).toEqual([{ type: 'text', text: 'x' }]);
    expect(message.stop_reason).toBe('end_turn');
  });
});
