import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { BalancedValueScanner } from './balanced-value-scanner.js';
import { DEEPSEEK_TOKENS } from './deepseek.parser.js';
import { detectFamilies } from './family-detection.js';
import { parseToolCallsFromText } from './parse-tool-calls-from-text.js';
import { collectParserEvents, type ParserEvent } from './parser-events.js';
import { StreamingToolCallParser } from './streaming-tool-call-parser.js';
import {
  ALL_TOOL_CALL_FAMILIES,
  findToolCallFamily,
} from './tool-call-families.js';
import type {
  JsonSchema,
  ParseContext,
  ToolCallFamily,
  ToolCallFamilyName,
} from './tool-call.types.js';

const ctx: ParseContext = {
  tools: new Map<string, JsonSchema | undefined>([
    [
      'get_weather',
      { type: 'object', properties: { city: { type: 'string' } } },
    ],
    ['get_time', undefined],
  ]),
};
const noTools: ParseContext = { tools: new Map() };

function family(name: ToolCallFamilyName): ToolCallFamily {
  const found = findToolCallFamily(name);
  if (found === undefined) {
    throw new Error(name);
  }
  return found;
}

function run(
  chunks: readonly string[],
  families: ToolCallFamily | readonly ToolCallFamily[] = ALL_TOOL_CALL_FAMILIES,
  options: ConstructorParameters<typeof StreamingToolCallParser>[2] = {},
  context: ParseContext = ctx,
): ParserEvent[] {
  const sut = new StreamingToolCallParser(families, context, options);
  const events = chunks.flatMap((c) => sut.push(c));
  return [...events, ...sut.end()];
}

function textOf(events: readonly ParserEvent[]): string {
  return collectParserEvents(events).text;
}

/**
 * The work of streaming one `<tool_call>` block whose city is `cityChars`
 * two-byte chars, fed in 4-char pieces to every family: the chars handed to
 * the block scanners plus the chars the bracket scanner walks.
 */
function scanWork(cityChars: number): number {
  const args = JSON.stringify({ city: '雨'.repeat(cityChars) });
  const text = `<tool_call>{"name": "get_weather", "arguments": ${args}}</tool_call>`;
  let fed = 0;
  const counted = ALL_TOOL_CALL_FAMILIES.map((f): ToolCallFamily => ({
    ...f,
    createScanner: (context) => {
      const scanner = f.createScanner(context);
      return {
        feed: (piece, atEnd) => {
          fed += piece.length;
          return scanner.feed(piece, atEnd);
        },
      };
    },
  }));
  const consume = vi.spyOn(BalancedValueScanner.prototype, 'consume');
  try {
    const sut = new StreamingToolCallParser(counted, ctx);
    const events: ParserEvent[] = [];
    for (let i = 0; i < text.length; i += 4) {
      events.push(...sut.push(text.slice(i, i + 4)));
    }
    events.push(...sut.end());
    expect(collectParserEvents(events).toolCalls).toHaveLength(1);
    const walked = consume.mock.calls.reduce(
      (n, [piece]) => n + piece.length,
      0,
    );
    return fed + walked;
  } finally {
    consume.mockRestore();
  }
}

/** Every start marker, reasoning tag and leading marker of every family. */
const ALL_MARKERS = [
  ...new Set(
    ALL_TOOL_CALL_FAMILIES.flatMap((f) => [
      ...f.startMarkers,
      ...(f.leadingMarkers ?? []),
      ...(f.reasoningTags ?? []).flatMap((t) => [t.open, t.close]),
    ]).concat(['<think>', '</think>']),
  ),
];

/** Splits `text` at sorted cut points. */
function splitAt(text: string, cuts: readonly number[]): string[] {
  const points = [0, ...[...new Set(cuts)].sort((a, b) => a - b), text.length];
  return points.slice(1).map((end, k) => text.slice(points[k], end));
}

const chunked = (text: string) =>
  fc
    .array(fc.integer({ min: 0, max: text.length }), { maxLength: 10 })
    .map((cuts) => splitAt(text, cuts));

// Marker fragments make the generated text brush against every syntax; names
// are never declared tools, reasoning/Harmony tags are excluded (they change
// the text on purpose), so no input may become anything but text.
const PIECES = [
  'a',
  ' ',
  '\n',
  'x',
  '"',
  "'",
  ':',
  ',',
  ';',
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  '<',
  '>',
  '|',
  '/',
  '=',
  '<tool_call>',
  '</tool_call>',
  '<|tool_call|>',
  '<|/tool_call|>',
  '<|tool_call>',
  '<tool_call|>',
  '[TOOL_CALLS]',
  '[ARGS]',
  '<function=',
  '<parameter=',
  '</function>',
  'name',
  '"name": "nope"',
  'arguments',
  'call:',
  '<|python_tag|>',
  '```tool_code\n',
  '```',
  '<function_calls>',
  'nope(a=1)',
  DEEPSEEK_TOKENS.callsBegin,
  DEEPSEEK_TOKENS.callBegin,
  DEEPSEEK_TOKENS.sep,
  DEEPSEEK_TOKENS.callEnd,
  '<|tool_calls_section_begin|>',
  '<|tool_call_begin|>',
  '<|tool_call_argument_begin|>',
  '<|tool_call_end|>',
  '<minimax:tool_call>',
  '<invoke name="nope">',
  '<|START_ACTION|>',
  '<|END_ACTION|>',
  '<|tool_call_start|>',
  '<start_function_call>',
  '<function_call>',
  '<arg_key>',
  '<arg_value>',
  '<|python_start|>',
];
const EXCLUDED = [
  '<think>',
  '[THINK]',
  '<|channel>',
  '<|START_THINKING|>',
  '<|start|>',
  '<|channel|>',
];
const markerySoup = fc
  .array(fc.constantFrom(...PIECES), { maxLength: 40 })
  .map((parts) => parts.join(''))
  .filter((s) => !EXCLUDED.some((m) => s.includes(m)));

describe(StreamingToolCallParser.name, () => {
  describe('without tool syntax', () => {
    it('passes arbitrary strings through byte-identically, however split', () => {
      const plain = fc
        .string({ unit: 'grapheme', maxLength: 200 })
        .filter((s) => !ALL_MARKERS.some((m) => s.includes(m)));
      fc.assert(
        fc.property(
          plain.chain((s) => fc.tuple(fc.constant(s), chunked(s))),
          ([text, chunks]) => {
            const events = run(chunks);
            expect(events.every((e) => e.kind === 'text')).toBe(true);
            expect(textOf(events)).toBe(text);
          },
        ),
        { numRuns: 300 },
      );
    });

    it('never turns marker-like text naming no declared tool into anything but the same text', () => {
      fc.assert(
        fc.property(
          markerySoup.chain((s) => fc.tuple(fc.constant(s), chunked(s))),
          ([text, chunks]) => {
            const events = run(chunks);
            expect(events.filter((e) => e.kind !== 'text')).toEqual([]);
            expect(textOf(events)).toBe(text);
          },
        ),
        { numRuns: 500 },
      );
    });

    it('holds back no more than the longest suffix that could start a marker', () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.oneof(
              fc.string({ maxLength: 8 }),
              fc.constantFrom('<', '<tool', '<|', '[TOOL', '<｜tool'),
            ),
            {
              maxLength: 12,
            },
          ),
          (chunks) => {
            const all = chunks.join('');
            fc.pre(!ALL_MARKERS.some((m) => all.includes(m)));
            const sut = new StreamingToolCallParser(
              ALL_TOOL_CALL_FAMILIES,
              ctx,
            );
            let input = '';
            let emitted = '';
            for (const chunk of chunks) {
              input += chunk;
              emitted += textOf(sut.push(chunk));
              expect(input.startsWith(emitted)).toBe(true);
              const held = input.slice(emitted.length);
              const trimmedStart =
                emitted.trim() === '' ? held.trimStart() : held;
              expect(
                held === '' ||
                  ALL_MARKERS.some(
                    (m) =>
                      m.length > trimmedStart.length &&
                      m.startsWith(trimmedStart),
                  ),
                `held ${JSON.stringify(held)}`,
              ).toBe(true);
            }
            emitted += textOf(sut.end());
            expect(emitted).toBe(input);
          },
        ),
        { numRuns: 300 },
      );
    });

    it('emits plain text at once', () => {
      const sut = new StreamingToolCallParser(ALL_TOOL_CALL_FAMILIES, ctx);
      expect(sut.push('Hello')).toEqual([{ kind: 'text', text: 'Hello' }]);
      expect(sut.push(' world <')).toEqual([{ kind: 'text', text: ' world ' }]);
      expect(sut.push('b>')).toEqual([{ kind: 'text', text: '<b>' }]);
      expect(sut.end()).toEqual([]);
    });
  });

  describe('false positives stay text, nothing lost', () => {
    const cases: Array<[string, string]> = [
      [
        'prose mentioning <tool_call>',
        'Wrap each call in a <tool_call> element, then close it with </tool_call>.',
      ],
      ['prose mentioning it at the end', 'The tag is <tool_call>'],
      [
        'an undeclared tool',
        '<tool_call>{"name": "delete_everything", "arguments": {}}</tool_call>',
      ],
      [
        'an undeclared tool (DeepSeek)',
        `${DEEPSEEK_TOKENS.callsBegin}${DEEPSEEK_TOKENS.callBegin}rm${DEEPSEEK_TOKENS.sep}{}${DEEPSEEK_TOKENS.callEnd}${DEEPSEEK_TOKENS.callsEnd}`,
      ],
      ['an undeclared tool (pythonic)', '[delete_everything(force=True)]'],
      [
        'a JSON object in a ```json block',
        'Here it is:\n```json\n{"name": "Paris", "population": 2100000}\n```',
      ],
      [
        'a call-shaped JSON object in a ```json block',
        'Example:\n```json\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n```',
      ],
      ['a JSON answer', '{"answer": 42, "name": "get_weather"}'],
      ['a bracketed citation', '[1] Smith et al.'],
      ['a markdown link', '[get_weather](https://example.com)'],
      [
        'malformed JSON in a block',
        '<tool_call>{"name": "get_weather", "arguments": {"city": </tool_call> and more',
      ],
      [
        'prose after a start marker',
        '[TOOL_CALLS] is how Mistral marks calls.',
      ],
      ['mid-text <think>', 'Models write <think> before thinking.'],
    ];
    for (const [title, text] of cases) {
      it(title, () => {
        const whole = parseToolCallsFromText(text, ALL_TOOL_CALL_FAMILIES, ctx);
        expect(whole).toEqual({ text, reasoning: '', toolCalls: [] });
        for (let i = 0; i <= text.length; i++) {
          expect(textOf(run([text.slice(0, i), text.slice(i)]))).toBe(text);
        }
      });
    }

    it('still finds a real call after a false start', () => {
      const text =
        'Use <tool_call> like this: <tool_call>{"name": "get_time", "arguments": {}}</tool_call>';
      expect(parseToolCallsFromText(text, ALL_TOOL_CALL_FAMILIES, ctx)).toEqual(
        {
          text: 'Use <tool_call> like this: ',
          reasoning: '',
          toolCalls: [{ name: 'get_time', arguments: '{}' }],
        },
      );
    });

    it('accepts nothing when no tools are declared', () => {
      const text =
        '<tool_call>{"name": "get_time", "arguments": {}}</tool_call>';
      expect(
        parseToolCallsFromText(text, ALL_TOOL_CALL_FAMILIES, noTools).text,
      ).toBe(text);
    });
  });

  describe('buffer cap', () => {
    it('releases an undecided block as text once it exceeds maxBufferChars', () => {
      const text = `Start <tool_call>{"name": "get_weather", "arguments": {"city": "${'x'.repeat(300)}"}}</tool_call> end`;
      fc.assert(
        fc.property(chunked(text), (chunks) => {
          const events = run(chunks, family('hermes-json'), {
            maxBufferChars: 100,
          });
          expect(events.every((e) => e.kind === 'text')).toBe(true);
          expect(textOf(events)).toBe(text);
        }),
      );
    });

    it('keeps a block that closes within the cap', () => {
      const text =
        '<tool_call>{"name": "get_time", "arguments": {}}</tool_call>';
      const events = run([text], family('hermes-json'), {
        maxBufferChars: text.length,
      });
      expect(collectParserEvents(events).toolCalls).toEqual([
        { name: 'get_time', arguments: '{}' },
      ]);
    });

    it('streams a call longer than the cap: emitted arguments are not held', () => {
      const { callsBegin, callBegin, sep, callEnd, callsEnd } = DEEPSEEK_TOKENS;
      const args = `{"city": "${'y'.repeat(500)}"}`;
      const text = `${callsBegin}${callBegin}get_weather${sep}${args}${callEnd}${callsEnd}`;
      const chunks = text.match(/[\s\S]{1,7}/g) ?? [];
      const result = collectParserEvents(
        run(chunks, family('deepseek'), { maxBufferChars: 64 }),
      );
      expect(result).toEqual({
        text: '',
        reasoning: '',
        toolCalls: [{ name: 'get_weather', arguments: args }],
      });
    });

    it('ends a streaming call whose held-back part outgrows the cap, keeping the rest as text', () => {
      const { callsBegin, callBegin, sep, callEnd, callsEnd } = DEEPSEEK_TOKENS;
      const head = `${callsBegin}${callBegin}get_weather${sep}`;
      const body = `{"city":${' '.repeat(100)}"x"}${callEnd}${callsEnd}`;
      const result = collectParserEvents(
        run([head, body], family('deepseek'), { maxBufferChars: 64 }),
      );
      expect(result.toolCalls).toEqual([
        { name: 'get_weather', arguments: '{"city":' },
      ]);
      expect(result.toolCalls[0]!.arguments + result.text).toBe(body);
    });

    it('stays linear on a large two-byte block fed in small chunks', () => {
      // Quadratic re-scanning (every piece re-reading the block so far) took
      // tens of seconds here. Counted, not timed: twice the block is at most
      // about twice the work, where re-scanning would make it four times.
      const once = scanWork(100_000);
      const twice = scanWork(200_000);
      expect(once).toBeGreaterThanOrEqual(100_000);
      expect(twice).toBeLessThan(2.1 * once);
    });
  });

  describe('reasoning', () => {
    it('splits <think>…</think> out as reasoning', () => {
      const text = '<think>\nThe user wants Paris.\n</think>\n\nIt is sunny.';
      for (let i = 0; i <= text.length; i++) {
        const result = collectParserEvents(
          run([text.slice(0, i), text.slice(i)]),
        );
        expect(result).toEqual({
          text: '\n\nIt is sunny.',
          reasoning: '\nThe user wants Paris.\n',
          toolCalls: [],
        });
      }
    });

    it('streams reasoning as it arrives', () => {
      const sut = new StreamingToolCallParser(family('hermes-json'), ctx);
      expect(sut.push('<think>Let me')).toEqual([
        { kind: 'reasoning', text: 'Let me' },
      ]);
      expect(sut.push(' see</thi')).toEqual([
        { kind: 'reasoning', text: ' see' },
      ]);
      expect(sut.push('nk>Done')).toEqual([{ kind: 'text', text: 'Done' }]);
    });

    it('treats text before a bare </think> as reasoning (template opened it)', () => {
      expect(
        parseToolCallsFromText(
          'I think.</think>Answer',
          family('hermes-json'),
          ctx,
        ),
      ).toEqual({
        text: 'Answer',
        reasoning: 'I think.',
        toolCalls: [],
      });
      const events = run(
        ['I think.</th', 'ink>Answer'],
        family('hermes-json'),
        { startInReasoning: true },
      );
      expect(collectParserEvents(events).reasoning).toBe('I think.');
    });

    it('reads reasoning then a call', () => {
      const text =
        '<think>Need weather.</think>\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>';
      expect(parseToolCallsFromText(text, ALL_TOOL_CALL_FAMILIES, ctx)).toEqual(
        {
          text: '\n',
          reasoning: 'Need weather.',
          toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }],
        },
      );
    });

    it('splits Harmony reasoning even without tools', () => {
      const text =
        '<|channel|>analysis<|message|>Hmm.<|end|><|start|>assistant<|channel|>final<|message|>Hi!<|return|>';
      expect(parseToolCallsFromText(text, family('harmony'), noTools)).toEqual({
        text: 'Hi!',
        reasoning: 'Hmm.',
        toolCalls: [],
      });
    });

    it('can be turned off', () => {
      const text = '<think>x</think>y';
      expect(
        textOf(run([text], family('hermes-json'), { parseReasoning: false })),
      ).toBe(text);
    });
  });

  describe('incremental arguments', () => {
    const { callsBegin, callBegin, sep, callEnd, callsEnd } = DEEPSEEK_TOKENS;
    const streams: Array<[ToolCallFamilyName, string[]]> = [
      [
        'deepseek',
        [
          `${callsBegin}${callBegin}get_weather${sep}`,
          '{"city": ',
          '"Paris"}',
          `${callEnd}${callsEnd}`,
        ],
      ],
      [
        'kimi-k2',
        [
          '<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>',
          '{"city": ',
          '"Paris"}',
          '<|tool_call_end|><|tool_calls_section_end|>',
        ],
      ],
      [
        'mistral',
        ['[TOOL_CALLS]get_weather[ARGS]', '{"city": ', '"Paris"}', ''],
      ],
      [
        'harmony',
        [
          '<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>',
          '{"city": ',
          '"Paris"}',
          '<|call|>',
        ],
      ],
    ];
    for (const [name, chunks] of streams) {
      it(`${name}: start as soon as the name is known, then argument deltas`, () => {
        const sut = new StreamingToolCallParser(family(name), ctx);
        expect(sut.push(chunks[0]!)).toEqual([
          { kind: 'tool_call_start', index: 0, name: 'get_weather' },
        ]);
        const second = sut.push(chunks[1]!);
        expect(second).toHaveLength(1);
        expect(second[0]).toMatchObject({
          kind: 'tool_call_arguments',
          index: 0,
        });
        const third = sut.push(chunks[2]!);
        expect(third[0]).toMatchObject({
          kind: 'tool_call_arguments',
          index: 0,
        });
        const rest = [...third.slice(1), ...sut.push(chunks[3]!), ...sut.end()];
        expect(rest).toEqual([{ kind: 'tool_call_end', index: 0 }]);
        const deltas = [...second, ...third]
          .map((e) => (e.kind === 'tool_call_arguments' ? e.delta : ''))
          .join('');
        expect(JSON.parse(deltas)).toEqual({ city: 'Paris' });
      });
    }

    it('numbers calls across blocks', () => {
      const events = run(
        [
          '[TOOL_CALLS]get_time[ARGS]{}[TOOL_CALLS]get_weather[ARGS]{"city": "Oslo"}',
        ],
        family('mistral'),
      );
      expect(events.filter((e) => e.kind === 'tool_call_start')).toEqual([
        { kind: 'tool_call_start', index: 0, name: 'get_time' },
        { kind: 'tool_call_start', index: 1, name: 'get_weather' },
      ]);
    });
  });

  it('refuses push() after end()', () => {
    const sut = new StreamingToolCallParser(family('hermes-json'), ctx);
    sut.end();
    expect(() => sut.push('x')).toThrow();
    expect(sut.end()).toEqual([]);
  });
});

describe(detectFamilies.name, () => {
  it('picks the family of the first start marker', () => {
    const found = detectFamilies(
      'Hi [TOOL_CALLS]x <tool_call>',
      ALL_TOOL_CALL_FAMILIES,
    );
    expect(found.map((f) => f.name)).toEqual(['mistral']);
  });

  it('returns every family sharing that marker, in order', () => {
    const found = detectFamilies('ok <tool_call>{', ALL_TOOL_CALL_FAMILIES);
    expect(found.map((f) => f.name)).toEqual([
      'qwen3-coder-xml',
      'glm',
      'hermes-json',
    ]);
  });

  it('counts leading markers only at the start', () => {
    expect(
      detectFamilies('  [f()]', ALL_TOOL_CALL_FAMILIES).map((f) => f.name),
    ).toEqual(['pythonic']);
    expect(detectFamilies('see [f()]', ALL_TOOL_CALL_FAMILIES)).toEqual([]);
  });
});

describe(parseToolCallsFromText.name, () => {
  it('returns text, reasoning and calls of a whole message', () => {
    const text =
      '<think>Two calls.</think>Checking.<tool_call>{"name": "get_time", "arguments": {}}</tool_call><tool_call>{"name": "get_weather", "arguments": "{\\"city\\": \\"Rome\\"}"}</tool_call>';
    expect(parseToolCallsFromText(text, family('hermes-json'), ctx)).toEqual({
      text: 'Checking.',
      reasoning: 'Two calls.',
      toolCalls: [
        { name: 'get_time', arguments: '{}' },
        { name: 'get_weather', arguments: '{"city":"Rome"}' },
      ],
    });
  });
});
