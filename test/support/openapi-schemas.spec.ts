import { describe, expect, it } from 'vitest';
import {
  completion,
  textStream,
  toolCallStream,
  usageChunk,
} from './chat-chunks.js';
import {
  expectValidOpenResponsesEvents,
  expectValidOpenResponsesResource,
  expectValidResponse,
  expectValidStreamEvents,
  validateChatCompletion,
  validateChatCompletionChunk,
  validateErrorBody,
  validateItemList,
  validateModelList,
  validateOpenResponsesEvent,
  validateOpenResponsesEvents,
  validateOpenResponsesResource,
  validateResponse,
  validateStreamEvent,
} from './openapi-schemas.js';

const part = (text: string) => ({
  type: 'output_text',
  text,
  annotations: [],
  logprobs: [],
});

const message = (status: string, content: unknown[]) => ({
  type: 'message',
  id: 'msg_1',
  status,
  role: 'assistant',
  content,
});

// The spec's own "Text input" example (responses-api.md §2), except that
// `"user": null` is left out: the schema types `user` as a plain string, so
// the example does not validate against its own spec.
const exampleResponse = () => ({
  id: 'resp_1',
  object: 'response',
  created_at: 1741476542,
  status: 'completed',
  completed_at: 1741476543,
  error: null,
  incomplete_details: null,
  instructions: null,
  max_output_tokens: null,
  model: 'gpt-5.4',
  output: [message('completed', [part('Hello there')])],
  parallel_tool_calls: true,
  previous_response_id: null,
  reasoning: { effort: null, summary: null },
  store: true,
  temperature: 1.0,
  text: { format: { type: 'text' } },
  tool_choice: 'auto',
  tools: [],
  top_p: 1.0,
  truncation: 'disabled',
  usage: {
    input_tokens: 36,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: 87,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 123,
  },
  metadata: {},
});

// Open Responses requires every field of its ResponseResource, also those
// OpenAI leaves optional.
const bothSpecsResponse = (
  status: string,
  output: unknown[],
  usage: unknown,
) => ({
  ...exampleResponse(),
  status,
  completed_at: status === 'completed' ? 1741476543 : null,
  output,
  usage,
  presence_penalty: 0,
  frequency_penalty: 0,
  top_logprobs: 0,
  max_tool_calls: null,
  background: false,
  service_tier: 'default',
  safety_identifier: null,
  prompt_cache_key: null,
});

/** responses-api.md §3.2: the canonical text answer. */
function textAnswerEvents(): Record<string, unknown>[] {
  const ids = { item_id: 'msg_1', output_index: 0, content_index: 0 };
  const done = message('completed', [part('Hi!')]);
  const events: Record<string, unknown>[] = [
    {
      type: 'response.created',
      response: bothSpecsResponse('in_progress', [], null),
    },
    {
      type: 'response.in_progress',
      response: bothSpecsResponse('in_progress', [], null),
    },
    {
      type: 'response.output_item.added',
      output_index: 0,
      item: message('in_progress', []),
    },
    { type: 'response.content_part.added', ...ids, part: part('') },
    { type: 'response.output_text.delta', ...ids, delta: 'Hi', logprobs: [] },
    { type: 'response.output_text.delta', ...ids, delta: '!', logprobs: [] },
    { type: 'response.output_text.done', ...ids, text: 'Hi!', logprobs: [] },
    { type: 'response.content_part.done', ...ids, part: part('Hi!') },
    { type: 'response.output_item.done', output_index: 0, item: done },
    {
      type: 'response.completed',
      response: bothSpecsResponse('completed', [done], exampleResponse().usage),
    },
  ];
  return events.map((event, index) => ({ ...event, sequence_number: index }));
}

const textDelta = {
  type: 'response.output_text.delta',
  sequence_number: 4,
  item_id: 'msg_1',
  output_index: 0,
  content_index: 0,
  delta: 'Hi',
};

describe(validateResponse.name, () => {
  it('accepts the spec example of a text response', () => {
    expect(validateResponse(exampleResponse())).toEqual([]);
  });

  it('rejects a response without id and names the missing field', () => {
    const { id: _id, ...sut } = exampleResponse();
    expect(validateResponse(sut)).toEqual([
      "/ must have required property 'id'",
    ]);
  });

  it('accepts `"usage": null` (an erratum: the spec examples send it)', () => {
    expect(validateResponse({ ...exampleResponse(), usage: null })).toEqual([]);
    expect(validateResponse({ ...exampleResponse(), usage: 36 })).toEqual([
      '/usage must be object',
      '/usage must be null',
      '/usage must match a schema in anyOf',
    ]);
  });

  it('rejects the spec example as published, with `"user": null`', () => {
    const sut = { ...exampleResponse(), user: null };
    expect(validateResponse(sut)).toEqual(['/user must be string']);
  });

  it('reports only the output item member that was meant', () => {
    const sut = exampleResponse();
    sut.output = [
      message('completed', [{ ...part('x'), logprobs: undefined }]),
    ];
    const errors = validateResponse(JSON.parse(JSON.stringify(sut)));
    expect(errors[0]).toBe(
      "/output/0/content/0 must have required property 'logprobs'",
    );
    expect(errors.join('\n')).not.toContain('call_id');
  });
});

describe(validateStreamEvent.name, () => {
  it('rejects output_text.delta without logprobs, naming the event', () => {
    expect(validateStreamEvent(textDelta)).toEqual([
      "response.output_text.delta: / must have required property 'logprobs'",
    ]);
  });

  it('rejects an invented event type', () => {
    const sut = { type: 'response.output_text.invented', sequence_number: 1 };
    expect(validateStreamEvent(sut)).toEqual([
      'response.output_text.invented: / unknown event type (not in ResponseStreamEvent)',
    ]);
  });

  it('rejects an event without a type', () => {
    expect(validateStreamEvent({ sequence_number: 1 })).toHaveLength(1);
  });

  it('accepts keepalive, which the spec lacks, only as type and sequence_number', () => {
    expect(
      validateStreamEvent({ type: 'keepalive', sequence_number: 3 }),
    ).toEqual([]);
    expect(validateStreamEvent({ type: 'keepalive' })).toEqual([
      "keepalive: / must have required property 'sequence_number'",
    ]);
    expect(
      validateStreamEvent({ type: 'keepalive', sequence_number: 3, x: 1 }),
    ).toEqual(['keepalive: / must NOT have additional properties: x']);
  });

  it('checks the Response nested in response.completed', () => {
    const [, , , , , , , , , completed] = textAnswerEvents();
    const sut = structuredClone(completed!);
    delete (sut['response'] as Record<string, unknown>)['model'];
    expect(validateStreamEvent(sut)).toEqual([
      "response.completed: /response must have required property 'model'",
    ]);
  });
});

describe(expectValidStreamEvents.name, () => {
  it('accepts the canonical text answer stream', () => {
    expect(() => expectValidStreamEvents(textAnswerEvents())).not.toThrow();
  });

  it('fails naming the event index, type and path', () => {
    const events = textAnswerEvents();
    events[4] = { ...textDelta, sequence_number: 4 };
    expect(() => expectValidStreamEvents(events)).toThrow(
      "#4 response.output_text.delta: / must have required property 'logprobs'",
    );
  });
});

describe(expectValidResponse.name, () => {
  it('fails with the instance path of the first errors', () => {
    const sut = { ...exampleResponse(), created_at: 'yesterday' };
    expect(() => expectValidResponse(sut)).toThrow(
      /not a valid OpenAI Response:\n {2}\/created_at must be number/,
    );
  });
});

describe(validateOpenResponsesResource.name, () => {
  it('accepts a response carrying every field Open Responses requires', () => {
    const sut = bothSpecsResponse('completed', [], null);
    expect(validateOpenResponsesResource(sut)).toEqual([]);
    expect(() => expectValidOpenResponsesResource(sut)).not.toThrow();
    expect(validateResponse(sut)).toEqual([]);
  });

  it('rejects the OpenAI example, which lacks Open Responses fields', () => {
    expect(validateOpenResponsesResource(exampleResponse())).toEqual([
      "/ must have required property 'presence_penalty'",
    ]);
  });
});

describe(validateOpenResponsesEvent.name, () => {
  it('does not require logprobs on output_text.delta, unlike OpenAI', () => {
    expect(validateOpenResponsesEvent(textDelta)).toEqual({
      errors: [],
      defined: true,
    });
  });

  it('reports an event it does not define instead of failing it', () => {
    const sut = {
      type: 'response.mcp_call.completed',
      sequence_number: 3,
      item_id: 'mcp_1',
      output_index: 0,
    };
    expect(validateStreamEvent(sut)).toEqual([]);
    expect(validateOpenResponsesEvent(sut)).toEqual({
      errors: [],
      defined: false,
    });
  });

  it('rejects a defined event with a wrong field', () => {
    const sut = { ...textDelta, output_index: '0' };
    expect(validateOpenResponsesEvent(sut)).toEqual({
      errors: ['response.output_text.delta: /output_index must be integer'],
      defined: true,
    });
  });
});

describe(validateOpenResponsesEvents.name, () => {
  it('accepts the canonical text answer stream, all of it defined', () => {
    expect(validateOpenResponsesEvents(textAnswerEvents())).toEqual({
      errors: [],
      notDefined: [],
    });
    expect(expectValidOpenResponsesEvents(textAnswerEvents())).toEqual([]);
  });

  it('lists invented and OpenAI-only types separately from errors', () => {
    const events = [
      ...textAnswerEvents(),
      { type: 'keepalive', sequence_number: 10 },
      { type: 'response.invented', sequence_number: 11 },
    ];
    expect(validateOpenResponsesEvents(events)).toEqual({
      errors: [],
      notDefined: ['keepalive', 'response.invented'],
    });
  });
});

describe(validateChatCompletionChunk.name, () => {
  it('accepts the chunks the fake upstream streams', () => {
    const chunks = [
      ...textStream(['Hel', 'lo']),
      ...toolCallStream([
        { name: 'get_weather', arguments: '{"city":"Oslo"}' },
      ]),
      usageChunk(),
    ];
    expect(
      chunks.flatMap((chunk) => validateChatCompletionChunk(chunk)),
    ).toEqual([]);
  });

  it('rejects a chunk without choices', () => {
    const { choices: _choices, ...sut } = textStream(['x'])[1]!;
    expect(validateChatCompletionChunk(sut)).toEqual([
      "/ must have required property 'choices'",
    ]);
  });
});

describe(validateChatCompletion.name, () => {
  it('accepts a completion with the message fields the spec requires', () => {
    const sut = completion({ content: 'hi', refusal: null });
    expect(validateChatCompletion(sut)).toEqual([]);
  });

  it('requires message.refusal, which real OpenAI always sends', () => {
    expect(validateChatCompletion(completion({ content: 'hi' }))).toEqual([
      "/choices/0/message must have required property 'refusal'",
    ]);
  });
});

describe(validateErrorBody.name, () => {
  it('accepts the OpenAI error shape and rejects a bare message', () => {
    const error = { message: 'no', type: 'invalid_request_error' };
    expect(
      validateErrorBody({ error: { ...error, param: null, code: null } }),
    ).toEqual([]);
    expect(validateErrorBody({ error })).toEqual([
      "/error must have required property 'param'",
    ]);
  });
});

describe(validateModelList.name, () => {
  it('accepts a model list', () => {
    const model = {
      id: 'fake-model',
      object: 'model',
      created: 1_700_000_000,
      owned_by: 'gateway',
    };
    expect(validateModelList({ object: 'list', data: [model] })).toEqual([]);
    expect(validateModelList({ object: 'list' })).toEqual([
      "/ must have required property 'data'",
    ]);
  });
});

describe(validateItemList.name, () => {
  it('accepts a list of input items', () => {
    const item = {
      type: 'message',
      id: 'msg_0',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_text', text: 'hi' }],
    };
    const sut = {
      object: 'list',
      data: [item],
      has_more: false,
      first_id: 'msg_0',
      last_id: 'msg_0',
    };
    expect(validateItemList(sut)).toEqual([]);
  });
});
