import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  chunk,
  completion,
  toolCallStream,
} from '../../test/support/chat-chunks.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
} from '../protocol/chat-completion.types.js';
import type { ToolLoopEvent } from '../mcp/tool-loop/tool-loop.types.js';
import {
  parseAgentFormat,
  type AgentFormat,
} from '../config/agent-format-setting.js';
import {
  chunksWithTextToolCalls,
  completionWithTextToolCalls,
  loopEventsWithTextToolCalls,
  ToolCallTextRewriter,
} from './tool-calls-as-text.js';

const xml = parseAgentFormat('xml') as Extract<AgentFormat, { kind: 'tags' }>;
const ARGS_A = '{"city": "Paris", "big": 12345678901234567890, "x": 1.0}';
const ARGS_B = '{"q":"a\\u00e9\\"b"}';

async function rewritten(
  chunks: Record<string, unknown>[],
): Promise<ChatCompletionChunk[]> {
  return firstValueFrom(
    from(chunks as unknown as ChatCompletionChunk[]).pipe(
      chunksWithTextToolCalls(xml),
      toArray(),
    ),
  );
}

const content = (chunks: ChatCompletionChunk[]): string =>
  chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');

describe(ToolCallTextRewriter.name, () => {
  it('writes streamed native calls as tagged text, finish_reason stop', async () => {
    const out = await rewritten(
      toolCallStream(
        [
          { name: 'get_weather', arguments: ARGS_A },
          { name: 'search', arguments: ARGS_B },
        ],
        'Let me look.',
      ),
    );
    expect(content(out)).toBe(
      `Let me look.\n<tool_call>{"name": "get_weather", "arguments": ${ARGS_A}}</tool_call>\n` +
        `<tool_call>{"name": "search", "arguments": ${ARGS_B}}</tool_call>`,
    );
    expect(out.some((c) => c.choices.some((ch) => ch.delta.tool_calls))).toBe(
      false,
    );
    const finishes = out.flatMap((c) =>
      c.choices.map((ch) => ch.finish_reason).filter(Boolean),
    );
    expect(finishes).toEqual(['stop']);
    expect(out.at(-1)?.usage).toBeDefined();
  });

  it('writes the first call as soon as the second one starts', async () => {
    const out = await rewritten(
      toolCallStream([
        { name: 'a', arguments: '{}' },
        { name: 'b', arguments: '{}' },
      ]),
    );
    const firstText = out.findIndex((c) =>
      c.choices[0]?.delta.content?.includes('"a"'),
    );
    const finish = out.findIndex((c) => c.choices[0]?.finish_reason);
    expect(firstText).toBeGreaterThanOrEqual(0);
    expect(firstText).toBeLessThan(finish);
  });

  it('leaves a text answer as it is', async () => {
    const chunks = [chunk({ content: 'hi' }), chunk({}, 'stop')];
    const out = await rewritten(chunks);
    expect(out).toEqual(chunks);
  });

  it('writes calls still open when the stream ends without a finish', async () => {
    const out = await rewritten(
      toolCallStream([{ name: 'a', arguments: '{}' }]).slice(0, 4),
    );
    expect(content(out)).toBe(
      '<tool_call>{"name": "a", "arguments": {}}</tool_call>',
    );
  });
});

describe(completionWithTextToolCalls.name, () => {
  it('moves the calls into the content', () => {
    const sut = completionWithTextToolCalls(
      completion(
        {
          content: 'ok',
          tool_calls: [
            {
              id: 'c1',
              type: 'function',
              function: { name: 'a', arguments: ARGS_A },
            },
          ],
        },
        'tool_calls',
      ) as unknown as ChatCompletion,
      xml,
    );
    const choice = sut.choices[0]!;
    expect(choice.message.content).toBe(
      `ok\n<tool_call>{"name": "a", "arguments": ${ARGS_A}}</tool_call>`,
    );
    expect(choice.message).not.toHaveProperty('tool_calls');
    expect(choice.finish_reason).toBe('stop');
  });
});

describe(loopEventsWithTextToolCalls.name, () => {
  it('writes the calls before the finished event, whose reason becomes stop', async () => {
    const events: ToolLoopEvent[] = [
      ...(
        toolCallStream([{ name: 'a', arguments: ARGS_B }]).slice(
          0,
          -2,
        ) as unknown as ChatCompletionChunk[]
      ).map((c): ToolLoopEvent => ({ type: 'chunk', round: 1, chunk: c })),
      { type: 'finished', reason: 'client_tools', finishReason: 'tool_calls' },
    ];
    const out = await firstValueFrom(
      from(events).pipe(loopEventsWithTextToolCalls(xml), toArray()),
    );
    const last = out.at(-1);
    expect(last).toMatchObject({ type: 'finished', finishReason: 'stop' });
    const text = out
      .flatMap((e) =>
        e.type === 'chunk' ? [e.chunk.choices[0]?.delta.content ?? ''] : [],
      )
      .join('');
    expect(text).toBe(
      `<tool_call>{"name": "a", "arguments": ${ARGS_B}}</tool_call>`,
    );
  });
});
