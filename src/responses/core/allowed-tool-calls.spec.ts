import { lastValueFrom, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../../protocol/chat-completion.types.js';
import { enforceAllowedTools } from './allowed-tool-calls.js';

function chunk(
  delta: ChatCompletionChunk['choices'][number]['delta'],
  finish: ChatCompletionChunk['choices'][number]['finish_reason'] = null,
): ChatCompletionChunk {
  return {
    id: 'c',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'm',
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

const chat = {
  tools: [
    {
      type: 'function' as const,
      function: { name: 'allowed', parameters: {} },
    },
  ],
};
const allowedTools = {
  type: 'allowed_tools',
  mode: 'auto',
  tools: [{ type: 'function', name: 'allowed' }],
};

async function run(
  toolChoice: unknown,
  chunks: ChatCompletionChunk[],
): Promise<{ out: ChatCompletionChunk[]; dropped: string[] }> {
  const dropped: string[] = [];
  const out = await lastValueFrom(
    of(...chunks).pipe(
      enforceAllowedTools(toolChoice, chat, (name) => dropped.push(name)),
      toArray(),
    ),
  );
  return { out, dropped };
}

const call = (index: number, id: string, name: string) =>
  chunk({
    tool_calls: [
      { index, id, type: 'function', function: { name, arguments: '' } },
    ],
  });
const args = (index: number, text: string) =>
  chunk({ tool_calls: [{ index, function: { arguments: text } }] });

describe(enforceAllowedTools.name, () => {
  it('passes everything through for another tool_choice', async () => {
    const chunks = [call(0, 'a', 'other'), chunk({}, 'tool_calls')];
    const { out } = await run('auto', chunks);
    expect(out).toEqual(chunks);
  });

  it('drops a call outside the list, its argument deltas too, and keeps the allowed one', async () => {
    const { out, dropped } = await run(allowedTools, [
      call(0, 'a', 'other'),
      args(0, '{"x":1}'),
      call(1, 'b', 'allowed'),
      args(1, '{}'),
      chunk({}, 'tool_calls'),
    ]);
    expect(dropped).toEqual(['other']);
    const calls = out.flatMap((c) => c.choices[0]!.delta.tool_calls ?? []);
    expect(calls.map((c) => c.index)).toEqual([1, 1]);
    expect(out.at(-1)!.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('ends with an empty message when every call was dropped', async () => {
    const { out } = await run(allowedTools, [
      call(0, 'a', 'other'),
      args(0, '{}'),
      chunk({}, 'tool_calls'),
    ]);
    expect(out.flatMap((c) => c.choices[0]!.delta.tool_calls ?? [])).toEqual(
      [],
    );
    expect(out.at(-1)!.choices[0]).toMatchObject({
      finish_reason: 'stop',
      delta: { content: '' },
    });
  });
});
