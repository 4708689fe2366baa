import { describe, expect, it } from 'vitest';
import { ChunkDecoder } from './chunk-decoder.js';

/** A chunk with one choice holding `delta` (and `finish`). */
const chunk = (
  delta: unknown,
  finish: unknown = null,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta, finish_reason: finish }],
  ...extra,
});

const decodeAll = (chunks: Record<string, unknown>[]) => {
  const decoder = new ChunkDecoder();
  return chunks.map((raw) => decoder.decode(raw));
};

/** The tool-call deltas of every decoded chunk, as JSON would carry them. */
const callsOf = (chunks: Record<string, unknown>[]) =>
  decodeAll(chunks).flatMap(
    ({ chunk: decoded }) =>
      JSON.parse(
        JSON.stringify(decoded.choices[0]?.delta.tool_calls ?? []),
      ) as unknown[],
  );

describe(ChunkDecoder.name, () => {
  it("drops SGLang's null fields without calling the chunk rewritten", () => {
    const [decoded] = decodeAll([
      chunk(
        {
          role: null,
          content: 'hi',
          reasoning_content: null,
          tool_calls: null,
        },
        null,
        { usage: null },
      ),
    ]);
    expect(JSON.parse(JSON.stringify(decoded!.chunk))).toEqual({
      id: 'c',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }],
    });
    expect(decoded!.rewritten).toBe(false);
  });

  it.each([
    ['choices null', { id: 'c', choices: null }],
    ['choices an object', { id: 'c', choices: { index: 0 } }],
    ['a choice that is a string', { id: 'c', choices: ['x'] }],
    ['a delta that is a number', chunk(7)],
    ['tool_calls a string', chunk({ tool_calls: 'x' })],
    ['a tool call that is null', chunk({ tool_calls: [null] })],
    ['function null', chunk({ tool_calls: [{ index: 0, function: null }] })],
    ['finish_reason a number', chunk({}, 3)],
  ])('reads %s as absent, never as an error', (_name, raw) => {
    const { chunk: decoded } = new ChunkDecoder().decode(raw);
    expect(Array.isArray(decoded.choices)).toBe(true);
    for (const choice of decoded.choices) {
      expect(typeof choice.index).toBe('number');
      expect(typeof choice.delta).toBe('object');
      expect(choice.finish_reason).toBeNull();
      for (const call of choice.delta.tool_calls ?? []) {
        expect(typeof call.index).toBe('number');
      }
    }
  });

  it('keeps the index of a backend that numbers its calls (vLLM)', () => {
    expect(
      callsOf([
        chunk({
          tool_calls: [
            { index: 0, id: 'a', type: 'function', function: { name: 'f' } },
          ],
        }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x"' } }] }),
        chunk({
          tool_calls: [
            { index: 1, id: 'b', type: 'function', function: { name: 'g' } },
          ],
        }),
        chunk({
          tool_calls: [
            { index: 1, id: null, function: { name: null, arguments: '{}' } },
          ],
        }),
      ]).map((call) => (call as { index: number }).index),
    ).toEqual([0, 0, 1, 1]);
  });

  it('splits calls that share index 0 by their id (Ollama before Feb 2026)', () => {
    const calls = callsOf([
      chunk({
        tool_calls: [
          {
            id: 'call_a',
            index: 0,
            type: 'function',
            function: { name: 'f', arguments: '{}' },
          },
          {
            id: 'call_b',
            index: 0,
            type: 'function',
            function: { name: 'g', arguments: '{}' },
          },
        ],
      }),
    ]);
    expect(calls).toMatchObject([
      { id: 'call_a', index: 0 },
      { id: 'call_b', index: 1 },
    ]);
  });

  it('gives a second call without an id its own index (older SGLang)', () => {
    const calls = callsOf([
      chunk({
        tool_calls: [
          { id: 'call_a', index: 0, function: { name: 'f', arguments: '' } },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{}' } }] }),
      chunk({
        tool_calls: [{ index: 1, function: { name: 'g', arguments: '' } }],
      }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '{}' } }] }),
    ]);
    expect(calls.map((call) => (call as { index: number }).index)).toEqual([
      0, 0, 1, 1,
    ]);
  });

  it('turns object arguments into JSON text', () => {
    const [call] = callsOf([
      chunk({
        tool_calls: [
          { id: 'a', index: 0, function: { name: 'f', arguments: { x: 1 } } },
        ],
      }),
    ]);
    expect(call).toMatchObject({ function: { arguments: '{"x":1}' } });
  });

  it('says tool_calls for finish_reason stop after a call, and marks it rewritten', () => {
    const [, finish] = decodeAll([
      chunk({
        tool_calls: [
          { id: 'a', index: 0, function: { name: 'f', arguments: '{}' } },
        ],
      }),
      chunk({}, 'stop'),
    ]);
    expect(finish!.chunk.choices[0]!.finish_reason).toBe('tool_calls');
    expect(finish!.rewritten).toBe(true);
  });

  it('leaves finish_reason stop alone without a call', () => {
    const [finish] = decodeAll([chunk({ content: '' }, 'stop')]);
    expect(finish!.chunk.choices[0]!.finish_reason).toBe('stop');
    expect(finish!.rewritten).toBe(false);
  });

  it("keeps the stop string of a finish chunk (vLLM's stop_reason, SGLang's matched_stop)", () => {
    const [vllm, sglang] = decodeAll([
      {
        ...chunk({}),
        choices: [
          { index: 0, delta: {}, finish_reason: 'stop', stop_reason: 'END' },
        ],
      },
      {
        ...chunk({}),
        choices: [
          { index: 0, delta: {}, finish_reason: 'stop', matched_stop: 'END' },
        ],
      },
    ]);
    expect(vllm!.chunk.choices[0]).toMatchObject({ stop_reason: 'END' });
    expect(sglang!.chunk.choices[0]).toMatchObject({ matched_stop: 'END' });
  });

  it("reads SGLang's top-level reasoning_tokens into completion_tokens_details", () => {
    const [decoded] = decodeAll([
      {
        id: 'c',
        choices: [],
        usage: {
          prompt_tokens: 5,
          completion_tokens: 9,
          total_tokens: null,
          reasoning_tokens: 4,
          prompt_tokens_details: null,
        },
      },
    ]);
    expect(decoded!.chunk.usage).toMatchObject({
      prompt_tokens: 5,
      completion_tokens: 9,
      total_tokens: 14,
      completion_tokens_details: { reasoning_tokens: 4 },
    });
    expect(decoded!.chunk.usage?.prompt_tokens_details).toBeUndefined();
  });
});
