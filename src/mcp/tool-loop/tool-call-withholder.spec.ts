import { describe, expect, it } from 'vitest';
import {
  chunk,
  toolCallStream,
  usageChunk,
} from '../../../test/support/chat-chunks.js';
import type { ChatCompletionChunk } from '../../protocol/chat-completion.types.js';
import { ToolCallWithholder } from './tool-call-withholder.js';
import type { ServerTool } from './tool-loop.types.js';

const serverTool = (name: string): ServerTool => ({
  exposedName: name,
  serverLabel: 'srv',
  toolName: name,
  requiresApproval: false,
  call: () =>
    Promise.resolve({ isError: false, text: '', images: [], raw: null }),
});

const lookup = {
  find: (name: string) => (name === 'echo' ? serverTool(name) : undefined),
};

function feed(chunks: Record<string, unknown>[]): {
  shown: ChatCompletionChunk[];
  sut: ToolCallWithholder;
} {
  const sut = new ToolCallWithholder(lookup);
  const shown = chunks
    .map((each) => sut.push(each as ChatCompletionChunk))
    .filter((each): each is ChatCompletionChunk => each !== null);
  return { shown, sut };
}

const shownCalls = (shown: ChatCompletionChunk[]): unknown[] =>
  shown.flatMap((each) =>
    each.choices.flatMap((c) => c.delta.tool_calls ?? []),
  );

describe(ToolCallWithholder.name, () => {
  it('withholds a server tool call entirely and reports it at the end', () => {
    const { shown, sut } = feed(
      toolCallStream(
        [{ id: 'call_a', name: 'echo', arguments: '{"message":"hi"}' }],
        'Looking.',
      ),
    );

    expect(shownCalls(shown)).toEqual([]);
    expect(
      shown.every((each) =>
        each.choices.every((c) => c.finish_reason === null),
      ),
    ).toBe(true);
    const turn = sut.end();
    expect(turn.serverCalls).toEqual([
      expect.objectContaining({
        id: 'call_a',
        name: 'echo',
        arguments: '{"message":"hi"}',
      }),
    ]);
    expect(turn.clientCallCount).toBe(0);
    expect(turn.finishReason).toBe('tool_calls');
    expect(turn.usage?.total_tokens).toBe(30);
    expect(turn.assistantMessage).toEqual({
      role: 'assistant',
      content: 'Looking.',
      tool_calls: [
        {
          id: 'call_a',
          type: 'function',
          function: { name: 'echo', arguments: '{"message":"hi"}' },
        },
      ],
    });
  });

  it('streams a client call renumbered from 0, held back until its name is known', () => {
    const { shown, sut } = feed([
      chunk({ role: 'assistant', content: null }),
      chunk({
        tool_calls: [
          {
            index: 0,
            id: 'call_m',
            type: 'function',
            function: { name: 'echo', arguments: '' },
          },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{}' } }] }),
      // The name comes after the first argument fragment.
      chunk({
        tool_calls: [
          { index: 1, id: 'call_c', function: { arguments: '{"ci' } },
        ],
      }),
      chunk({
        tool_calls: [
          { index: 1, function: { name: 'get_weather', arguments: 'ty":1}' } },
        ],
      }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '' } }] }),
      chunk({}, 'tool_calls'),
      usageChunk(),
    ]);

    expect(shownCalls(shown)).toEqual([
      {
        index: 0,
        id: 'call_c',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":1}' },
      },
      { index: 0, function: { arguments: '' } },
    ]);
    const turn = sut.end();
    expect(turn.clientCallCount).toBe(1);
    expect(turn.serverCalls.map((c) => c.id)).toEqual(['call_m']);
    expect(
      turn.assistantMessage.tool_calls?.map((c) => c.function.name),
    ).toEqual(['echo', 'get_weather']);
  });

  it('keeps usage-only chunks and drops chunks left empty', () => {
    const { shown } = feed([
      chunk({
        tool_calls: [
          {
            index: 0,
            id: 'call_a',
            function: { name: 'echo', arguments: '{}' },
          },
        ],
      }),
      chunk({}, 'tool_calls'),
      usageChunk(3, 4),
    ]);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ choices: [], usage: { total_tokens: 7 } });
  });

  it('gives a server call without an upstream id a generated one, the same in both places', () => {
    const { sut } = feed([
      chunk({ tool_calls: [{ index: 0, function: { name: 'echo' } }] }),
    ]);
    const turn = sut.end();
    const id = turn.serverCalls[0]?.id;
    expect(id).toMatch(/^call_/);
    expect(turn.assistantMessage.tool_calls?.[0]).toMatchObject({
      id,
      function: { arguments: '{}' },
    });
  });

  it('collects reasoning for the assistant message', () => {
    const { sut } = feed([
      chunk({ reasoning_content: 'hmm' }),
      chunk({ content: 'ok' }, 'stop'),
    ]);
    expect(sut.end().assistantMessage).toEqual({
      role: 'assistant',
      content: 'ok',
      reasoning_content: 'hmm',
    });
  });
});
