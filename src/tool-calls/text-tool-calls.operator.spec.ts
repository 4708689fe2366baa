import fc from 'fast-check';
import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type {
  ChatCompletionChunk,
  ChatToolCallDelta,
} from '../protocol/chat-completion.types.js';
import {
  EXAMPLE_TOOLS,
  PROSE_MENTIONING_TOOL_SYNTAX,
  TEXT_TOOL_CALL_EXAMPLES,
} from './text-tool-call-examples.test-support.js';
import {
  parseContextOf,
  type TextToolCallParsing,
} from './text-tool-call-parsing.js';
import { textToolCalls } from './text-tool-calls.operator.js';
import { resolveToolCallFamilies } from './tool-call-format.js';

type Delta = ChatCompletionChunk['choices'][number]['delta'];

function chunk(
  delta: Delta,
  finish: string | null = null,
): ChatCompletionChunk {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
}

const usage: ChatCompletionChunk = {
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [],
  usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
};

/** A whole upstream stream: role chunk, `pieces` as content, finish, usage. */
function stream(
  pieces: readonly string[],
  finish = 'stop',
): ChatCompletionChunk[] {
  return [
    chunk({ role: 'assistant', content: '' }),
    ...pieces.map((content) => chunk({ content })),
    chunk({}, finish),
    usage,
  ];
}

function parsing(model = 'some-model'): TextToolCallParsing {
  let n = 0;
  return {
    families: resolveToolCallFamilies('auto', model),
    context: parseContextOf(EXAMPLE_TOOLS),
    newCallId: () => `call_${n++}`,
  };
}

function run(
  chunks: readonly ChatCompletionChunk[],
  options: TextToolCallParsing = parsing(),
): Promise<ChatCompletionChunk[]> {
  return firstValueFrom(from(chunks).pipe(textToolCalls(options), toArray()));
}

/** Splits `text` at sorted cut points. */
function splitAt(text: string, cuts: readonly number[]): string[] {
  const points = [0, ...[...new Set(cuts)].sort((a, b) => a - b), text.length];
  return points.slice(1).map((end, k) => text.slice(points[k], end));
}

const chunked = (text: string) =>
  fc
    .array(fc.integer({ min: 0, max: text.length }), { maxLength: 12 })
    .map((cuts) => splitAt(text, cuts));

/** What a client accumulates from the deltas. */
function accumulate(chunks: readonly ChatCompletionChunk[]) {
  let content = '';
  let reasoning = '';
  const calls: { id?: string; name?: string; arguments: string }[] = [];
  const finishes: { at: number; reason: string }[] = [];
  let lastCallChunk = -1;
  chunks.forEach((c, at) => {
    for (const choice of c.choices) {
      content += choice.delta.content ?? '';
      reasoning += choice.delta.reasoning_content ?? '';
      for (const call of choice.delta.tool_calls ?? []) {
        lastCallChunk = at;
        const entry = (calls[call.index ?? 0] ??= { arguments: '' });
        entry.id ??= call.id;
        entry.name ??= call.function?.name;
        entry.arguments += call.function?.arguments ?? '';
      }
      if (choice.finish_reason) {
        finishes.push({ at, reason: choice.finish_reason });
      }
    }
  });
  return { content, reasoning, calls, finishes, lastCallChunk };
}

describe(textToolCalls.name, () => {
  describe('each family, however the content is split', () => {
    for (const ex of TEXT_TOOL_CALL_EXAMPLES) {
      it(`${ex.family}: ${ex.model}`, async () => {
        await fc.assert(
          fc.asyncProperty(chunked(ex.text), async (pieces) => {
            const sut = await run(stream(pieces), parsing(ex.model));
            const got = accumulate(sut);
            expect(got.calls.map((c) => c.name)).toEqual(
              ex.calls.map((c) => c.name),
            );
            expect(got.calls.map((c) => JSON.parse(c.arguments))).toEqual(
              ex.calls.map((c) => c.args),
            );
            expect(got.calls.map((c) => c.id)).toEqual(
              ex.calls.map((_, i) => `call_${i}`),
            );
            expect(got.content).toBe(ex.rest);
            expect(got.reasoning).toBe(ex.reasoning);
            expect(got.finishes).toEqual([
              { at: got.lastCallChunk, reason: 'tool_calls' },
            ]);
            expect(sut[sut.length - 1]).toBe(usage);
          }),
          { numRuns: 40 },
        );
      });
    }

    it('finds a call that follows prose the parser was allowed to skip', async () => {
      const prose = fc
        .array(fc.constantFrom('Sure', ', ', 'let me', ' check', '.\n', 'é'), {
          minLength: 1,
          maxLength: 8,
        })
        .map((parts) => parts.join(''))
        .filter((text) => /\S/.test(text));
      const examples = TEXT_TOOL_CALL_EXAMPLES.filter(
        (ex) =>
          !['llama3-json', 'pythonic', 'harmony'].includes(ex.family) &&
          ex.reasoning === '',
      );
      await fc.assert(
        fc.asyncProperty(
          prose,
          fc.constantFrom(...examples),
          fc.integer({ min: 1, max: 9 }),
          async (before, ex, size) => {
            const text = before + ex.text;
            const pieces = text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'gu'))!;
            const got = accumulate(
              await run(stream(pieces), parsing(ex.model)),
            );
            expect(got.calls.map((c) => JSON.parse(c.arguments))).toEqual(
              ex.calls.map((c) => c.args),
            );
            expect(got.content).toBe(before + ex.rest);
          },
        ),
        { numRuns: 150 },
      );
    });

    it('sends each call as a start delta, then argument deltas, one entry per chunk', async () => {
      const sut = await run(
        stream(['[TOOL_CALLS]get_weather[ARGS]{"city": ', '"Paris"}']),
        parsing('mistral-small'),
      );
      const calls = sut.flatMap((c) =>
        c.choices.flatMap((choice) => choice.delta.tool_calls ?? []),
      );
      expect(calls[0]).toEqual<ChatToolCallDelta>({
        index: 0,
        id: 'call_0',
        type: 'function',
        function: { name: 'get_weather', arguments: '' },
      });
      expect(calls.slice(1).every((c) => c.id === undefined)).toBe(true);
      expect(
        sut.every((c) => (c.choices[0]?.delta.tool_calls?.length ?? 0) <= 1),
      ).toBe(true);
    });

    it('finds calls decided only at the end when the stream has no finish chunk', async () => {
      const text = '{"name": "get_time", "arguments": {"tz": "UTC"}}';
      const sut = await run([chunk({ content: text })], parsing('llama-3.1'));
      expect(accumulate(sut).calls).toEqual([
        { id: 'call_0', name: 'get_time', arguments: '{"tz":"UTC"}' },
      ]);
    });
  });

  describe('no tool syntax', () => {
    // Characters that never start a marker: nothing is held back.
    const plain = fc
      .string({ unit: 'grapheme', maxLength: 120 })
      .filter((s) => !/[<[{`]/.test(s));

    it('re-emits the upstream chunks themselves', async () => {
      await fc.assert(
        fc.asyncProperty(
          plain.chain((s) => chunked(s)),
          async (pieces) => {
            const input = stream(pieces);
            const sut = await run(input);
            expect(sut).toHaveLength(input.length);
            sut.forEach((c, i) => expect(c).toBe(input[i]));
          },
        ),
        { numRuns: 200 },
      );
    });

    it('keeps prose that mentions tool syntax byte-identical', async () => {
      const text = PROSE_MENTIONING_TOOL_SYNTAX;
      await fc.assert(
        fc.asyncProperty(chunked(text), async (pieces) => {
          const got = accumulate(await run(stream(pieces)));
          expect(got.content).toBe(text);
          expect(got.calls).toEqual([]);
          expect(got.finishes.map((f) => f.reason)).toEqual(['stop']);
        }),
        { numRuns: 100 },
      );
    });

    it('passes a call naming an undeclared tool through as text', async () => {
      const text = '<tool_call>{"name": "rm", "arguments": {}}</tool_call>';
      const got = accumulate(
        await run(stream([text.slice(0, 9), text.slice(9)])),
      );
      expect(got.content).toBe(text);
      expect(got.calls).toEqual([]);
    });
  });

  describe('native tool calls', () => {
    const native = [
      chunk({ role: 'assistant', content: null }),
      chunk({
        tool_calls: [
          {
            index: 0,
            id: 'call_native',
            type: 'function',
            function: { name: 'get_time', arguments: '' },
          },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
      usage,
    ];

    it('passes them through untouched', async () => {
      const sut = await run(native);
      expect(sut).toHaveLength(native.length);
      sut.forEach((c, i) => expect(c).toBe(native[i]));
    });

    it('numbers parsed calls after the native ones', async () => {
      const text =
        '<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</tool_call>';
      const got = accumulate(
        await run([
          ...native.slice(0, 3),
          chunk({ content: text }),
          ...native.slice(3),
        ]),
      );
      expect(got.calls.map((c) => [c.id, c.name])).toEqual([
        ['call_native', 'get_time'],
        ['call_0', 'get_weather'],
      ]);
      expect(got.finishes.map((f) => f.reason)).toEqual(['tool_calls']);
    });
  });

  it('keeps finish_reason length when the answer was cut off', async () => {
    const text = '<tool_call>{"name": "get_time", "arguments": {}}</tool_call>';
    const got = accumulate(await run(stream([text], 'length')));
    expect(got.calls).toHaveLength(1);
    expect(got.finishes.map((f) => f.reason)).toEqual(['length']);
  });

  it.each([
    ['prose the parser held back', ['Count to three <to'], 'stop'],
    [
      'a call',
      ['<tool_call>{"name": "get_time", "arguments": {}}</tool_call>'],
      'tool_calls',
    ],
  ])(
    'keeps the stop string of a finish chunk it rebuilds after %s',
    async (_, pieces, reason) => {
      const input = stream(pieces);
      const upstreamFinish = input.at(-2)!;
      Object.assign(upstreamFinish.choices[0]!, {
        stop_reason: 'END',
        matched_stop: 'END',
      });

      const sut = await run(input);

      const finishes = sut.flatMap((c) =>
        c.choices.filter((choice) => choice.finish_reason !== null),
      );
      expect(finishes).toHaveLength(1);
      expect(finishes[0]).not.toBe(upstreamFinish.choices[0]);
      expect(finishes[0]).toMatchObject({
        finish_reason: reason,
        stop_reason: 'END',
        matched_stop: 'END',
      });
    },
  );

  it('rewrites each choice of a multi-choice stream on its own', async () => {
    const text = '<tool_call>{"name": "get_time", "arguments": {}}</tool_call>';
    const both = (a: Delta, b: Delta, finish: string | null = null) => ({
      ...chunk(a, finish),
      choices: [
        { index: 0, delta: a, finish_reason: finish },
        { index: 1, delta: b, finish_reason: finish },
      ],
    });
    const sut = await run([
      both({ content: text }, { content: 'Hi' }),
      both({}, {}, 'stop'),
    ]);
    const byChoice = (index: number) =>
      accumulate(
        sut.map((c) => ({
          ...c,
          choices: c.choices.filter((x) => x.index === index),
        })),
      );
    expect(byChoice(0).calls.map((c) => c.name)).toEqual(['get_time']);
    expect(byChoice(0).finishes.map((f) => f.reason)).toEqual(['tool_calls']);
    expect(byChoice(1).content).toBe('Hi');
    expect(byChoice(1).finishes.map((f) => f.reason)).toEqual(['stop']);
  });
});
