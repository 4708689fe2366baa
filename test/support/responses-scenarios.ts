import {
  chunk,
  completion,
  textStream,
  toolCallStream,
  usageChunk,
} from './chat-chunks.js';
import type { FakeReply } from './fake-upstream.js';

/** One scripted upstream behaviour, as a stream and as a non-stream reply. */
export interface ResponsesScenario {
  name: string;
  request: Record<string, unknown>;
  stream: FakeReply;
  json: FakeReply;
  expect: {
    status: 'completed' | 'incomplete';
    outputTypes: string[];
    text?: string;
    calls?: { name: string; arguments: string }[];
    reasoning?: string;
    incompleteReason?: string;
  };
}

const weatherTools = [
  {
    type: 'function',
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
    },
    strict: false,
  },
  {
    type: 'function',
    name: 'get_time',
    parameters: { type: 'object', properties: { tz: { type: 'string' } } },
    strict: false,
  },
];

export const RESPONSES_SCENARIOS: ResponsesScenario[] = [
  {
    name: 'a text answer',
    request: { input: 'Say hello' },
    stream: { kind: 'stream', chunks: textStream(['Hel', 'lo', ', world']) },
    json: { kind: 'json', body: completion({ content: 'Hello, world' }) },
    expect: {
      status: 'completed',
      outputTypes: ['message'],
      text: 'Hello, world',
    },
  },
  {
    name: 'a function call',
    request: { input: 'Weather in Paris?', tools: weatherTools },
    stream: {
      kind: 'stream',
      chunks: toolCallStream([
        { id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
      ]),
    },
    json: {
      kind: 'json',
      body: completion(
        {
          content: null,
          tool_calls: [
            {
              id: 'call_a',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
          ],
        },
        'tool_calls',
      ),
    },
    expect: {
      status: 'completed',
      outputTypes: ['function_call'],
      calls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }],
    },
  },
  {
    name: 'text plus two parallel function calls',
    request: { input: 'Weather and time in Paris?', tools: weatherTools },
    stream: {
      kind: 'stream',
      chunks: toolCallStream(
        [
          { id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
          {
            id: 'call_b',
            name: 'get_time',
            arguments: '{"tz":"Europe/Paris"}',
          },
        ],
        'Let me check.',
      ),
    },
    json: {
      kind: 'json',
      body: completion(
        {
          content: 'Let me check.',
          tool_calls: [
            {
              id: 'call_a',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
            {
              id: 'call_b',
              type: 'function',
              function: {
                name: 'get_time',
                arguments: '{"tz":"Europe/Paris"}',
              },
            },
          ],
        },
        'tool_calls',
      ),
    },
    expect: {
      status: 'completed',
      outputTypes: ['message', 'function_call', 'function_call'],
      text: 'Let me check.',
      calls: [
        { name: 'get_weather', arguments: '{"city":"Paris"}' },
        { name: 'get_time', arguments: '{"tz":"Europe/Paris"}' },
      ],
    },
  },
  {
    name: 'reasoning plus text',
    request: { input: 'Think, then answer', reasoning: { effort: 'low' } },
    stream: {
      kind: 'stream',
      chunks: [
        chunk({ role: 'assistant', content: '' }),
        chunk({ reasoning_content: 'First I think. ' }),
        chunk({ reasoning_content: 'Then I answer.' }),
        chunk({ content: 'The answer' }),
        chunk({ content: ' is 42.' }),
        chunk({}, 'stop'),
        usageChunk(10, 20, {
          completion_tokens_details: { reasoning_tokens: 8 },
        }),
      ],
    },
    json: {
      kind: 'json',
      body: completion({
        content: 'The answer is 42.',
        reasoning_content: 'First I think. Then I answer.',
      }),
    },
    expect: {
      status: 'completed',
      outputTypes: ['reasoning', 'message'],
      text: 'The answer is 42.',
      reasoning: 'First I think. Then I answer.',
    },
  },
  {
    name: 'a json_schema answer',
    request: {
      input: 'Give me a person',
      text: {
        format: {
          type: 'json_schema',
          name: 'person',
          strict: true,
          schema: {
            type: 'object',
            properties: { name: { type: 'string' }, age: { type: 'integer' } },
            required: ['name', 'age'],
            additionalProperties: false,
          },
        },
      },
    },
    stream: {
      kind: 'stream',
      chunks: textStream(['{"name":"Ada",', '"age":36}']),
    },
    json: {
      kind: 'json',
      body: completion({ content: '{"name":"Ada","age":36}' }),
    },
    expect: {
      status: 'completed',
      outputTypes: ['message'],
      text: '{"name":"Ada","age":36}',
    },
  },
  {
    name: 'max_output_tokens reached',
    request: { input: 'Write a long story', max_output_tokens: 16 },
    stream: {
      kind: 'stream',
      chunks: textStream(['Once upon', ' a time'], 'length'),
    },
    json: {
      kind: 'json',
      body: completion({ content: 'Once upon a time' }, 'length'),
    },
    expect: {
      status: 'incomplete',
      outputTypes: ['message'],
      text: 'Once upon a time',
      incompleteReason: 'max_output_tokens',
    },
  },
];
