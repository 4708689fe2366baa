import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEEPSEEK_TOKENS } from './deepseek.parser.js';
import { createCustomFamily } from './generic-tag.parser.js';
import {
  parseToolCallsFromText,
  reasoningOpenedByTemplate,
} from './parse-tool-calls-from-text.js';
import {
  collectParserEvents,
  type ParsedText,
  type ParserEvent,
} from './parser-events.js';
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

const str = { type: 'string' };
const TOOLS = new Map<string, JsonSchema | undefined>([
  [
    'get_weather',
    {
      type: 'object',
      properties: { city: str, location: str, unit: str, units: str },
    },
  ],
  ['get_time', { type: 'object', properties: { tz: str } }],
  ['calculate', { type: 'object', properties: { count: { type: 'integer' } } }],
  ['set_value', { type: 'object', properties: { value: { type: 'number' } } }],
]);
const ctx: ParseContext = { tools: TOOLS };

interface Example {
  readonly title: string;
  readonly text: string;
  readonly calls: ReadonlyArray<{ name: string; args: unknown }>;
  readonly rest?: string;
  readonly reasoning?: string;
}

const { callsBegin, callsEnd, callBegin, callEnd, sep } = DEEPSEEK_TOKENS;
const paris = { name: 'get_weather', args: { city: 'Paris' } };
const parisLocation = { name: 'get_weather', args: { location: 'Paris' } };

/**
 * The exact texts of each family, copied from
 * ../shared/docs/tool-call-formats.md (not read at test time).
 */
const EXAMPLES: ReadonlyArray<[ToolCallFamilyName, readonly Example[]]> = [
  [
    'hermes-json',
    [
      {
        title: 'doc example with newlines',
        text: '<tool_call>\n{"name": "get_weather", "arguments": {"location": "San Francisco", "unit": "celsius"}}\n</tool_call>',
        calls: [
          {
            name: 'get_weather',
            args: { location: 'San Francisco', unit: 'celsius' },
          },
        ],
      },
      {
        title: 'without newlines, two blocks, text around',
        text: 'Sure.<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</tool_call><tool_call>{"name": "get_time", "arguments": {"tz": "UTC"}}</tool_call>',
        calls: [paris, { name: 'get_time', args: { tz: 'UTC' } }],
        rest: 'Sure.',
      },
    ],
  ],
  [
    'qwen3-coder-xml',
    [
      {
        title: 'doc example',
        text: '<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</function>\n</tool_call>',
        calls: [paris],
      },
    ],
  ],
  [
    'glm',
    [
      {
        title: 'GLM-4.5/4.6 with newlines',
        text: '<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris</arg_value>\n</tool_call>',
        calls: [paris],
      },
      {
        title: 'GLM-4.7 without newlines, typed by schema',
        text: '<tool_call>calculate<arg_key>count</arg_key><arg_value>3</arg_value></tool_call>',
        calls: [{ name: 'calculate', args: { count: 3 } }],
      },
    ],
  ],
  [
    'deepseek',
    [
      {
        title: 'V3.1 doc example',
        text: `${callsBegin}${callBegin}get_weather${sep}{"location":"Paris"}${callEnd}${callsEnd}`,
        calls: [parisLocation],
      },
      {
        title: 'V3.1 with two calls',
        text: `${callsBegin}${callBegin}get_weather${sep}{"location":"Paris"}${callEnd}${callBegin}get_time${sep}{"tz":"UTC"}${callEnd}${callsEnd}`,
        calls: [parisLocation, { name: 'get_time', args: { tz: 'UTC' } }],
      },
      {
        title: 'V3-0324 / R1 form',
        text: `${callsBegin}${callBegin}function${sep}get_weather\n\`\`\`json\n{"location":"Paris"}\n\`\`\`\n${callEnd}${callsEnd}`,
        calls: [parisLocation],
      },
    ],
  ],
  [
    'kimi-k2',
    [
      {
        title: 'doc example',
        text: '<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{"city": "Beijing"}<|tool_call_end|><|tool_calls_section_end|>',
        calls: [{ name: 'get_weather', args: { city: 'Beijing' } }],
      },
      {
        title: 'singular section variant, NAME:IDX id',
        text: '<|tool_call_section_begin|><|tool_call_begin|>get_weather:1<|tool_call_argument_begin|>{"city": "Beijing"}<|tool_call_end|><|tool_call_section_end|>',
        calls: [{ name: 'get_weather', args: { city: 'Beijing' } }],
      },
    ],
  ],
  [
    'minimax-m2',
    [
      {
        title: 'doc example',
        text: '<minimax:tool_call>\n<invoke name="get_weather">\n<parameter name="city">Paris</parameter>\n</invoke>\n</minimax:tool_call>',
        calls: [paris],
      },
      {
        title: 'single quotes, typed by schema',
        text: "<minimax:tool_call>\n<invoke name='calculate'>\n<parameter name='count'>7</parameter>\n</invoke>\n</minimax:tool_call>",
        calls: [{ name: 'calculate', args: { count: 7 } }],
      },
    ],
  ],
  [
    'harmony',
    [
      {
        title: 'doc example',
        text: '<|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city":"Paris"}<|call|>',
        calls: [paris],
      },
      {
        title: 'analysis channel is reasoning, then the call',
        text: '<|channel|>analysis<|message|>Need the weather.<|end|><|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city":"Paris"}<|call|>',
        calls: [paris],
        reasoning: 'Need the weather.',
      },
      {
        title: 'to= before <|channel|>',
        text: '<|start|>assistant to=functions.get_weather<|channel|>commentary json<|message|>{"city":"Paris"}<|call|>',
        calls: [paris],
      },
      {
        title: 'final channel is text',
        text: '<|channel|>analysis<|message|>Easy.<|end|><|start|>assistant<|channel|>final<|message|>It is sunny.<|return|>',
        calls: [],
        reasoning: 'Easy.',
        rest: 'It is sunny.',
      },
    ],
  ],
  [
    'llama3-json',
    [
      {
        title: 'with <|python_tag|> and parameters',
        text: '<|python_tag|>{"name": "get_weather", "parameters": {"city": "Paris"}}',
        calls: [paris],
      },
      {
        title: 'bare JSON with arguments',
        text: '{"name": "get_weather", "arguments": {"city": "Paris"}}',
        calls: [paris],
      },
      {
        title: 'several calls separated by "; "',
        text: '{"name": "get_weather", "parameters": {"city": "Paris"}}; {"name": "get_time", "parameters": {"tz": "UTC"}}',
        calls: [paris, { name: 'get_time', args: { tz: 'UTC' } }],
      },
    ],
  ],
  [
    'pythonic',
    [
      {
        title: 'Llama 3.2 / 4 list',
        text: '[get_weather(city="Paris"), get_time(tz="UTC")]',
        calls: [paris, { name: 'get_time', args: { tz: 'UTC' } }],
      },
      {
        title: 'Llama 4 python_start wrapper',
        text: '<|python_start|>[get_weather(city="Paris")]<|python_end|>',
        calls: [paris],
      },
    ],
  ],
  [
    'mistral',
    [
      {
        title: 'tokenizer >= v11',
        text: '[TOOL_CALLS]get_weather[ARGS]{"location": "San Francisco"}',
        calls: [{ name: 'get_weather', args: { location: 'San Francisco' } }],
      },
      {
        title: '7B v0.3 / older',
        text: '[TOOL_CALLS] [{"name": "get_weather", "arguments": {"location": "Paris"}}]',
        calls: [parisLocation],
      },
      {
        title: 'reasoning in [THINK]',
        text: '[THINK]Look it up.[/THINK][TOOL_CALLS]get_weather[ARGS]{"city": "Paris"}',
        calls: [paris],
        reasoning: 'Look it up.',
      },
    ],
  ],
  [
    'phi4-mini',
    [
      {
        title: 'doc example',
        text: '<|tool_call|>[{"name":"get_weather","arguments":{"city":"Paris"}}]<|/tool_call|>',
        calls: [paris],
      },
    ],
  ],
  [
    'granite',
    [
      {
        title: 'doc example',
        text: '<|tool_call|>[{"name": "get_weather", "arguments": {"city": "Paris"}}]',
        calls: [paris],
      },
    ],
  ],
  [
    'gemma4',
    [
      {
        title: 'doc example',
        text: '<|tool_call>call:get_weather{location:<|"|>Paris<|"|>,units:<|"|>metric<|"|>}<tool_call|>',
        calls: [
          { name: 'get_weather', args: { location: 'Paris', units: 'metric' } },
        ],
      },
      {
        title: 'bare number, thinking channel',
        text: '<|channel>Set it.<channel|><|tool_call>call:set_value{value:42}<tool_call|>',
        calls: [{ name: 'set_value', args: { value: 42 } }],
        reasoning: 'Set it.',
      },
    ],
  ],
  [
    'function-gemma',
    [
      {
        title: 'doc example',
        text: '<start_function_call>call:get_weather{location:<escape>Paris<escape>}<end_function_call>',
        calls: [parisLocation],
      },
    ],
  ],
  [
    'tool-code',
    [
      {
        title: 'Gemma 2/3 pythonic',
        text: '```tool_code\nget_weather(city="Paris")\n```',
        calls: [paris],
      },
      {
        title: 'JSON in the fence',
        text: '```tool_code\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n```',
        calls: [paris],
      },
    ],
  ],
  [
    'lfm2',
    [
      {
        title: 'doc example',
        text: '<|tool_call_start|>[get_weather(location="Paris")]<|tool_call_end|>',
        calls: [parisLocation],
      },
    ],
  ],
  [
    'olmo3',
    [
      {
        title: 'doc example',
        text: '<function_calls>get_weather(location="San Francisco")</function_calls>',
        calls: [{ name: 'get_weather', args: { location: 'San Francisco' } }],
      },
    ],
  ],
  [
    'cohere',
    [
      {
        title: 'doc example after thinking',
        text: 'The user wants the weather.<|END_THINKING|><|START_ACTION|>[\n    {"tool_call_id": "0", "tool_name": "get_weather", "parameters": {"city": "Paris"}},\n    {"tool_call_id": "1", "tool_name": "get_time", "parameters": {}}\n]<|END_ACTION|>',
        calls: [paris, { name: 'get_time', args: {} }],
        reasoning: 'The user wants the weather.',
      },
    ],
  ],
  [
    'pipe-tool-call',
    [
      {
        title: 'AbstractCore prompted form',
        text: '<|tool_call|>{"name": "get_weather", "arguments": {"city": "Paris"}}</|tool_call|>',
        calls: [paris],
      },
    ],
  ],
  [
    'function-call-tag',
    [
      {
        title: 'AbstractCore prompted form',
        text: '<function_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</function_call>',
        calls: [paris],
      },
    ],
  ],
];

const CUSTOM = createCustomFamily('[[CALL]]', '[[/CALL]]');
const CUSTOM_EXAMPLES: readonly Example[] = [
  {
    title: 'custom START,END with a list',
    text: 'Calling.[[CALL]][{"name": "get_weather", "arguments": {"city": "Paris"}}, {"name": "get_time", "arguments": {}}][[/CALL]]',
    calls: [paris, { name: 'get_time', args: {} }],
    rest: 'Calling.',
  },
];

function familyByName(name: ToolCallFamilyName): ToolCallFamily {
  const family = findToolCallFamily(name);
  if (family === undefined) {
    throw new Error(`no family ${name}`);
  }
  return family;
}

/** Feeds the chunks through a streaming parser (options as the helper picks them). */
function streamChunks(
  chunks: readonly string[],
  families: readonly ToolCallFamily[],
): ParsedText {
  const whole = chunks.join('');
  const sut = new StreamingToolCallParser(families, ctx, {
    startInReasoning: reasoningOpenedByTemplate(whole, families),
  });
  const events: ParserEvent[] = [];
  for (const chunk of chunks) {
    events.push(...sut.push(chunk));
  }
  events.push(...sut.end());
  expectWellFormed(events);
  return collectParserEvents(events);
}

/** Calls open once, get arguments only while open, and close once, in index order. */
function expectWellFormed(events: readonly ParserEvent[]): void {
  const state = new Map<number, 'open' | 'closed'>();
  let next = 0;
  for (const e of events) {
    if (e.kind === 'tool_call_start') {
      expect(e.index).toBe(next++);
      state.set(e.index, 'open');
    } else if (e.kind === 'tool_call_arguments') {
      expect(state.get(e.index)).toBe('open');
    } else if (e.kind === 'tool_call_end') {
      expect(state.get(e.index)).toBe('open');
      state.set(e.index, 'closed');
    }
  }
  expect([...state.values()].every((s) => s === 'closed')).toBe(true);
}

function comparable(result: ParsedText) {
  return {
    text: result.text,
    reasoning: result.reasoning,
    calls: result.toolCalls.map((c) => ({
      name: c.name,
      args: JSON.parse(c.arguments) as unknown,
    })),
  };
}

function expectExample(result: ParsedText, example: Example): void {
  expect(comparable(result)).toEqual({
    text: example.rest ?? '',
    reasoning: example.reasoning ?? '',
    calls: example.calls,
  });
}

function describeExamples(
  name: string,
  family: ToolCallFamily,
  examples: readonly Example[],
): void {
  describe(name, () => {
    for (const example of examples) {
      describe(example.title, () => {
        it('parses the doc text with its own family', () => {
          expectExample(
            parseToolCallsFromText(example.text, family, ctx),
            example,
          );
        });

        if (family.name !== 'custom') {
          it('parses it when every family is tried (auto fallback)', () => {
            expectExample(
              parseToolCallsFromText(example.text, ALL_TOOL_CALL_FAMILIES, ctx),
              example,
            );
          });
        }

        it('gives the same result for every 2-chunk split', () => {
          for (let i = 0; i <= example.text.length; i++) {
            const chunks = [example.text.slice(0, i), example.text.slice(i)];
            expect(
              comparable(streamChunks(chunks, [family])),
              `split at ${i}`,
            ).toEqual(
              comparable(parseToolCallsFromText(example.text, family, ctx)),
            );
          }
        });

        it('gives the same result for random multi-chunk splits', () => {
          const expected = comparable(
            parseToolCallsFromText(example.text, family, ctx),
          );
          fc.assert(
            fc.property(
              fc.uniqueArray(
                fc.integer({
                  min: 1,
                  max: Math.max(1, example.text.length - 1),
                }),
                {
                  maxLength: 12,
                },
              ),
              (cuts) => {
                const points = [
                  0,
                  ...[...cuts].sort((a, b) => a - b),
                  example.text.length,
                ];
                const chunks = points
                  .slice(1)
                  .map((end, k) => example.text.slice(points[k], end));
                expect(comparable(streamChunks(chunks, [family]))).toEqual(
                  expected,
                );
                if (family.name !== 'custom') {
                  expect(
                    comparable(streamChunks(chunks, ALL_TOOL_CALL_FAMILIES)),
                  ).toEqual(expected);
                }
              },
            ),
            { numRuns: 60 },
          );
        });
      });
    }
  });
}

for (const [name, examples] of EXAMPLES) {
  describeExamples(name, familyByName(name), examples);
}
describeExamples('custom', CUSTOM, CUSTOM_EXAMPLES);

describe('ToolCallFamily.parseBlock', () => {
  it('parses a whole block of each family', () => {
    for (const [name, examples] of EXAMPLES) {
      const family = familyByName(name);
      const example = examples[0]!;
      if (example.rest !== undefined || example.reasoning !== undefined) {
        continue;
      }
      const calls = family.parseBlock(example.text, ctx);
      expect(
        calls?.map((c) => ({ name: c.name, args: JSON.parse(c.arguments) })),
        name,
      ).toEqual(example.calls);
    }
  });

  it('returns null for an undeclared tool or no tools at all', () => {
    const hermes = familyByName('hermes-json');
    const text = '<tool_call>{"name": "rm_rf", "arguments": {}}</tool_call>';
    expect(hermes.parseBlock(text, ctx)).toBeNull();
    const ok = '<tool_call>{"name": "get_time", "arguments": {}}</tool_call>';
    expect(hermes.parseBlock(ok, { tools: new Map() })).toBeNull();
  });

  it('returns null for malformed bodies', () => {
    expect(
      familyByName('hermes-json').parseBlock(
        '<tool_call>{"name": </tool_call>',
        ctx,
      ),
    ).toBeNull();
    expect(
      familyByName('pythonic').parseBlock('[get_weather("Paris")]', ctx),
    ).toBeNull();
    expect(
      familyByName('gemma4').parseBlock(
        '<|tool_call>call:get_weather{location:<|"|>Paris}<tool_call|>',
        ctx,
      ),
    ).toBeNull();
  });
});
