import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../../llm-client/chat-completion.types.js';
import { textDeltaShortcut } from './text-delta-shortcut.js';

const envelope = (
  delta: string,
  tail = ',"logprobs":null,"finish_reason":null',
) =>
  `{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":${delta}${tail}}]}`;
const text = (content: string) =>
  envelope(`{"content":${JSON.stringify(content)}}`);

/** What the Responses machine reads of a chunk (see ResponseEventMachine.onChunk). */
function machineView(chunk: ChatCompletionChunk) {
  const choice = chunk.choices.find((c) => c.index === 0) ?? chunk.choices[0];
  const delta = (choice?.delta ?? {}) as Record<string, unknown>;
  return {
    usage: chunk.usage ?? null,
    content: delta.content ?? null,
    reasoning: delta.reasoning_content ?? delta.reasoning ?? null,
    refusal: delta.refusal ?? null,
    toolCalls: delta.tool_calls ?? null,
    finish: choice?.finish_reason ?? null,
  };
}

describe('textDeltaShortcut', () => {
  it('reads text chunks, learning the envelope from the first', () => {
    const read = textDeltaShortcut();
    for (const content of [
      'Hel',
      'lo "quoted" \\ wörld 👋',
      '',
      'a long text of more than thirteen characters',
    ]) {
      expect(read(text(content))?.choices[0]?.delta.content).toBe(content);
    }
    const first = envelope('{"role":"assistant","content":"Hi"}');
    expect(read(first)?.choices[0]?.delta.content).toBe('Hi');
  });

  it.each([
    ['a finish_reason', envelope('{"content":"x"}', ',"finish_reason":"stop"')],
    ['usage', text('x').replace(/}$/, ',"usage":{"total_tokens":1}}')],
    ['reasoning', envelope('{"reasoning_content":"hmm","content":"x"}')],
    ['tool calls', envelope('{"content":"x","tool_calls":[{"index":0}]}')],
    ['a second choice', text('x').replace('"index":0', '"index":1')],
    ['spaces around colons', envelope('{"content" : "x"}')],
    [
      'a delta elsewhere',
      text('x').replace(/}$/, ',"v":{"delta":{"content":"y"}}}'),
    ],
  ])('leaves a chunk with %s to the full parse', (_name, data) => {
    expect(textDeltaShortcut()(data)).toBeUndefined();
  });

  it('leaves a chunk that only looks like the learned envelope to the full parse', () => {
    const read = textDeltaShortcut();
    read(text('learn'));
    // The text between the envelope's ends is not one JSON string.
    const forged = text('x').replace(
      '"x"',
      '"x","tool_calls":[{"index":0}],"y":"z"',
    );
    expect(read(forged)).toBeUndefined();
    expect(read(text('x').replace('"x"', '"x\\"'))).toBeUndefined();
  });

  // Whatever the chunk, what the shortcut returns is what the machine would
  // have read from JSON.parse: the shortcut can only be slower, never wrong.
  it('agrees with JSON.parse on every chunk it reads', () => {
    const str = fc.string({ unit: 'binary', maxLength: 20 });
    const delta = fc.record(
      {
        role: fc.constant('assistant'),
        content: str,
        reasoning_content: fc.constantFrom(null, 'r'),
        refusal: fc.constantFrom(null, 'no'),
        tool_calls: fc.constantFrom(undefined, [{ index: 0 }]),
      },
      { requiredKeys: [] },
    );
    const choice = fc.record({
      index: fc.constantFrom(0, 0, 1),
      delta,
      finish_reason: fc.constantFrom(null, null, 'stop'),
    });
    const chunk = fc
      .tuple(
        fc.dictionary(str, str, { maxKeys: 2 }),
        fc.array(choice, { minLength: 1, maxLength: 2 }),
        fc.constantFrom(undefined, null, { total_tokens: 2 }),
      )
      .map(([vendor, choices, usage]) => ({
        ...vendor,
        id: 'c',
        choices,
        usage,
      }));
    let read = 0;
    fc.assert(
      fc.property(fc.array(chunk, { minLength: 1, maxLength: 4 }), (chunks) => {
        const shortcut = textDeltaShortcut();
        for (const value of chunks) {
          const data = JSON.stringify(value);
          const fast = shortcut(data);
          if (fast !== undefined) {
            read += 1;
            const parsed = JSON.parse(data) as ChatCompletionChunk;
            expect(machineView(fast)).toEqual(machineView(parsed));
          }
        }
      }),
      { numRuns: 1500 },
    );
    expect(read).toBeGreaterThan(50);
  });
});
