import type { ChatFunctionTool } from '../protocol/chat-completion.types.js';
import { DEEPSEEK_TOKENS } from './deepseek.parser.js';
import type { ToolCallFamilyName } from './tool-call.types.js';

/**
 * One family's tool-call text, copied from ../shared/docs/tool-call-formats.md
 * (not read at test time).
 */
export interface TextToolCallExample {
  readonly family: ToolCallFamilyName;
  /** A model name that `auto` maps to the family. */
  readonly model: string;
  readonly text: string;
  readonly calls: ReadonlyArray<{ name: string; args: unknown }>;
  /** The text left beside the calls ('' when none). */
  readonly rest: string;
  readonly reasoning: string;
}

const str = { type: 'string' };

/** The tools every example may call, as a request declares them. */
export const EXAMPLE_TOOLS: ChatFunctionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'The weather in a place',
      parameters: {
        type: 'object',
        properties: { city: str, location: str, unit: str, units: str },
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'get_time',
      parameters: { type: 'object', properties: { tz: str } },
    },
  },
  {
    type: 'function',
    function: {
      name: 'calculate',
      parameters: {
        type: 'object',
        properties: { count: { type: 'integer' } },
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'set_value',
      parameters: {
        type: 'object',
        properties: { value: { type: 'number' } },
      },
    },
  },
];

const paris = { name: 'get_weather', args: { city: 'Paris' } };
const parisLocation = { name: 'get_weather', args: { location: 'Paris' } };
const { callsBegin, callsEnd, callBegin, callEnd, sep } = DEEPSEEK_TOKENS;

function example(
  family: ToolCallFamilyName,
  model: string,
  text: string,
  calls: TextToolCallExample['calls'],
  extra: { rest?: string; reasoning?: string } = {},
): TextToolCallExample {
  return {
    family,
    model,
    text,
    calls,
    rest: extra.rest ?? '',
    reasoning: extra.reasoning ?? '',
  };
}

/** One representative text per family (the doc's examples). */
export const TEXT_TOOL_CALL_EXAMPLES: readonly TextToolCallExample[] = [
  example(
    'hermes-json',
    'qwen2.5-7b-instruct',
    '<tool_call>\n{"name": "get_weather", "arguments": {"location": "San Francisco", "unit": "celsius"}}\n</tool_call>',
    [
      {
        name: 'get_weather',
        args: { location: 'San Francisco', unit: 'celsius' },
      },
    ],
  ),
  example(
    'hermes-json',
    'hermes-3-llama-3.1-8b',
    'Sure.<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</tool_call>\n<tool_call>{"name": "get_time", "arguments": {"tz": "UTC"}}</tool_call>\n',
    [paris, { name: 'get_time', args: { tz: 'UTC' } }],
    { rest: 'Sure.' },
  ),
  example(
    'qwen3-coder-xml',
    'qwen3-coder-30b-a3b',
    '<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</function>\n</tool_call>',
    [paris],
  ),
  example(
    'glm',
    'glm-4.7',
    '<tool_call>calculate<arg_key>count</arg_key><arg_value>3</arg_value></tool_call>',
    [{ name: 'calculate', args: { count: 3 } }],
  ),
  example(
    'deepseek',
    'deepseek-v3.1',
    `${callsBegin}${callBegin}get_weather${sep}{"location":"Paris"}${callEnd}${callBegin}get_time${sep}{"tz":"UTC"}${callEnd}${callsEnd}`,
    [parisLocation, { name: 'get_time', args: { tz: 'UTC' } }],
  ),
  example(
    'kimi-k2',
    'kimi-k2-instruct',
    '<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{"city": "Beijing"}<|tool_call_end|><|tool_calls_section_end|>',
    [{ name: 'get_weather', args: { city: 'Beijing' } }],
  ),
  example(
    'minimax-m2',
    'minimax-m2',
    '<minimax:tool_call>\n<invoke name="get_weather">\n<parameter name="city">Paris</parameter>\n</invoke>\n</minimax:tool_call>',
    [paris],
  ),
  example(
    'mistral',
    'mistral-small-3.2',
    '[TOOL_CALLS]get_weather[ARGS]{"location": "San Francisco"}',
    [{ name: 'get_weather', args: { location: 'San Francisco' } }],
  ),
  example(
    'harmony',
    'gpt-oss-20b',
    '<|channel|>analysis<|message|>Need the weather.<|end|><|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city":"Paris"}<|call|>',
    [paris],
    { reasoning: 'Need the weather.' },
  ),
  example(
    'llama3-json',
    'llama-3.1-8b-instruct',
    '<|python_tag|>{"name": "get_weather", "parameters": {"city": "Paris"}}',
    [paris],
  ),
  example(
    'llama3-json',
    'llama-3.3-70b-instruct',
    '{"name": "get_weather", "parameters": {"city": "Paris"}}; {"name": "get_time", "parameters": {"tz": "UTC"}}',
    [paris, { name: 'get_time', args: { tz: 'UTC' } }],
  ),
  example(
    'pythonic',
    'llama-4-scout',
    '[get_weather(city="Paris"), get_time(tz="UTC")]',
    [paris, { name: 'get_time', args: { tz: 'UTC' } }],
  ),
  example(
    'phi4-mini',
    'phi-4-mini-instruct',
    '<|tool_call|>[{"name":"get_weather","arguments":{"city":"Paris"}}]<|/tool_call|>',
    [paris],
  ),
  example(
    'gemma4',
    'gemma-4-27b',
    '<|channel>Set it.<channel|><|tool_call>call:set_value{value:42}<tool_call|>',
    [{ name: 'set_value', args: { value: 42 } }],
    { reasoning: 'Set it.' },
  ),
  example(
    'lfm2',
    'lfm2-1.2b',
    '<|tool_call_start|>[get_weather(location="Paris")]<|tool_call_end|>',
    [parisLocation],
  ),
  example(
    'olmo3',
    'olmo-3-7b',
    '<function_calls>get_weather(location="San Francisco")</function_calls>',
    [{ name: 'get_weather', args: { location: 'San Francisco' } }],
  ),
  example(
    'hermes-json',
    'qwen3-8b',
    '<think>\nThe user wants Paris.\n</think>\n\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>',
    [paris],
    { reasoning: '\nThe user wants Paris.\n', rest: '\n\n' },
  ),
];

/** Prose that mentions tool syntax and must stay text. */
export const PROSE_MENTIONING_TOOL_SYNTAX =
  'Wrap each call in a <tool_call> element, then close it with </tool_call>. See [1] and {x}.';
