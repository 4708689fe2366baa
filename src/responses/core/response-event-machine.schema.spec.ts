import { describe, expect, it } from 'vitest';
import {
  chunk as rawChunk,
  textStream,
  toolCallStream,
  usageChunk,
} from '../../../test/support/chat-chunks.js';
import {
  validateResponse,
  validateStreamEvent,
} from '../../../test/support/openapi-schemas.js';
import type { ChatCompletionChunk } from '../../protocol/chat-completion.types.js';
import { ResponseEventMachine } from './response-event-machine.js';
import type {
  CreateResponseRequest,
  ResponseStreamEvent,
} from '../../protocol/responses.types.js';
import { toChatRequest } from './to-chat-request.js';

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  rawChunk(delta, finish) as ChatCompletionChunk;

const tools = [
  { type: 'function', name: 'get_weather', parameters: { type: 'object' } },
  { type: 'function', name: 'get_time' },
  {
    type: 'custom',
    name: 'apply_patch',
    format: { type: 'grammar', syntax: 'lark', definition: 'start: "x"' },
  },
  {
    type: 'namespace',
    name: 'files',
    description: 'Files',
    tools: [{ type: 'function', name: 'read' }],
  },
  { type: 'web_search', external_web_access: false },
];

interface Scenario {
  name: string;
  request?: Partial<CreateResponseRequest>;
  chunks: ChatCompletionChunk[];
  fail?: boolean;
}

const scenarios: Scenario[] = [
  {
    name: 'text',
    chunks: textStream(['Hi', ' there']) as ChatCompletionChunk[],
  },
  {
    name: 'text and two parallel calls',
    request: { tools, tool_choice: 'auto', parallel_tool_calls: true },
    chunks: toolCallStream(
      [
        { id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { id: 'call_2', name: 'get_time', arguments: '{}' },
      ],
      'Checking.',
    ) as ChatCompletionChunk[],
  },
  {
    name: 'reasoning, refusal, custom and namespaced calls',
    request: {
      tools,
      instructions: 'Be careful.',
      text: {
        format: {
          type: 'json_schema',
          name: 'o',
          schema: { type: 'object' },
          strict: true,
        },
        verbosity: 'low',
      },
      reasoning: { effort: 'low', summary: 'auto' },
      metadata: { a: 'b' },
      user: 'u',
      max_output_tokens: 500,
    },
    chunks: [
      chunk({ reasoning_content: 'Thinking.' }),
      chunk({ refusal: 'Not that.' }),
      chunk({
        tool_calls: [
          {
            index: 0,
            id: 'p',
            function: { name: 'apply_patch', arguments: '{"input":"x"}' },
          },
        ],
      }),
      chunk({
        tool_calls: [
          {
            index: 1,
            id: 'r',
            function: { name: 'files__read', arguments: '{}' },
          },
        ],
      }),
      chunk({}, 'tool_calls'),
      usageChunk(5, 6, {
        completion_tokens_details: { reasoning_tokens: 2 },
      }) as ChatCompletionChunk,
    ],
  },
  {
    name: 'incomplete',
    chunks: [chunk({ content: '<think>a</think>b' }), chunk({}, 'length')],
  },
  { name: 'failed', chunks: [chunk({ content: 'partial' })], fail: true },
];

function events(scenario: Scenario): {
  events: ResponseStreamEvent[];
  sut: ResponseEventMachine;
} {
  const request = { model: 'm', input: 'hi', ...scenario.request };
  const sut = new ResponseEventMachine({
    id: 'resp_schema',
    createdAt: 1_700_000_000,
    request,
    tools: toChatRequest(request, []).tools,
    previousResponseId: 'resp_prev',
  });
  const all = [
    ...sut.start(),
    sut.keepalive(),
    ...scenario.chunks.flatMap((each) => sut.onChunk(each)),
  ];
  all.push(
    ...(scenario.fail
      ? sut.fail({ code: 'server_error', message: 'boom' })
      : sut.finish()),
  );
  return { events: all, sut };
}

describe(`${ResponseEventMachine.name} against the OpenAI spec`, () => {
  it.each(scenarios.map((scenario) => [scenario.name, scenario] as const))(
    '%s: every event and the final Response are valid',
    (_name, scenario) => {
      const { events: all, sut } = events(scenario);

      const errors = all.flatMap((event, index) =>
        validateStreamEvent(event).map((error) => `#${index} ${error}`),
      );
      expect(errors).toEqual([]);
      expect(validateResponse(sut.response)).toEqual([]);
    },
  );
});
