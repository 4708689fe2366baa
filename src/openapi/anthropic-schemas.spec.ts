import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type {
  AnthropicBlockDelta,
  AnthropicErrorBody,
  AnthropicErrorType,
  AnthropicMessage,
  AnthropicMessagesRequest,
  AnthropicStreamEvent,
} from '../protocol/anthropic-messages.types.js';
import { ANTHROPIC_REQUEST_SCHEMAS } from './anthropic-request-schemas.js';
import { ANTHROPIC_SCHEMAS, STREAM_EVENTS } from './anthropic-schemas.js';
import { streamSchemas } from './stream-schemas.js';

// The Messages stream's SSE schema, without OpenAI's (it references none).
const MessagesSseEvent = streamSchemas({
  ResponseReasoningTextDeltaEvent: { properties: { type: { enum: ['a'] } } },
  ResponseReasoningTextDoneEvent: { properties: { type: { enum: ['b'] } } },
})['MessagesSseEvent']!;
const SCHEMAS = {
  ...ANTHROPIC_SCHEMAS,
  ...ANTHROPIC_REQUEST_SCHEMAS,
  MessagesSseEvent,
};
const ID = 'https://spec.invalid/anthropic-schemas.json';
// Not strict: `discriminator` is an OpenAPI keyword, checked by hand below.
const ajv = new Ajv2020({ strict: false });
ajv.addSchema({ $id: ID, components: { schemas: SCHEMAS } });

function validator(name: string) {
  const validate = ajv.getSchema(`${ID}#/components/schemas/${name}`);
  if (validate === undefined) {
    throw new Error(`no schema ${name}`);
  }
  return (value: unknown): string[] =>
    validate(value)
      ? []
      : (validate.errors ?? []).map(
          (error) => `${error.instancePath} ${error.message ?? ''}`,
        );
}

const MESSAGE: AnthropicMessage = {
  id: 'msg_01',
  type: 'message',
  role: 'assistant',
  model: 'qwen3',
  content: [
    { type: 'thinking', thinking: 'The user wants…', signature: 'sig' },
    { type: 'text', text: 'Let me look.' },
    {
      type: 'tool_use',
      id: 'toolu_Y2FsbF8x',
      name: 'read_file',
      input: { path: 'a.ts' },
    },
  ],
  stop_reason: 'tool_use',
  stop_sequence: null,
  usage: {
    input_tokens: 12,
    output_tokens: 30,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 4,
  },
};

const DELTAS: AnthropicBlockDelta[] = [
  { type: 'thinking_delta', thinking: 'The user' },
  { type: 'signature_delta', signature: 'sig' },
  { type: 'text_delta', text: 'Let me' },
  { type: 'input_json_delta', partial_json: '{"path":' },
];

/** A stream with every kind of event and block the gateway writes. */
const EVENTS: AnthropicStreamEvent[] = [
  {
    type: 'message_start',
    message: { ...MESSAGE, content: [], stop_reason: null },
  },
  { type: 'ping' },
  ...MESSAGE.content.flatMap((block, index): AnthropicStreamEvent[] => [
    {
      type: 'content_block_start',
      index,
      content_block:
        block.type === 'tool_use' ? { ...block, input: {} } : block,
    },
    { type: 'content_block_stop', index },
  ]),
  ...DELTAS.map((delta): AnthropicStreamEvent => ({
    type: 'content_block_delta',
    index: 0,
    delta,
  })),
  {
    type: 'message_delta',
    delta: { stop_reason: 'tool_use', stop_sequence: null },
    usage: MESSAGE.usage,
  },
  { type: 'message_stop' },
];

const ERROR_TYPES: AnthropicErrorType[] = [
  'invalid_request_error',
  'authentication_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
  'rate_limit_error',
  'api_error',
  'overloaded_error',
];
const ERRORS: AnthropicErrorBody[] = ERROR_TYPES.map((type) => ({
  type: 'error',
  error: { type, message: 'prompt is too long: 9 tokens > 8 maximum' },
}));

/** A request as Claude Code sends one: many fields the gateway ignores. */
const REQUEST: AnthropicMessagesRequest = {
  model: 'claude-sonnet-4-5',
  max_tokens: 32000,
  stream: true,
  system: [{ type: 'text', text: 'You are…', cache_control: { type: 'x' } }],
  messages: [
    { role: 'user', content: 'hi' },
    { role: 'assistant', content: MESSAGE.content },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_Y2FsbF8x', content: 'ok' },
        {
          type: 'image',
          source: { type: 'base64', media_type: 'image/png', data: 'iVBO' },
        },
        { type: 'redacted_thinking', data: 'xyz' },
        { type: 'document', source: { type: 'text', data: 'a' } },
      ],
    },
    { role: 'system', content: 'Environment: linux' },
  ],
  tools: [
    { name: 'read_file', input_schema: { type: 'object' } },
    { type: 'web_search_20250305', name: 'web_search' },
  ],
  tool_choice: { type: 'auto', disable_parallel_tool_use: true },
  thinking: { type: 'enabled', budget_tokens: 4000 },
  temperature: 1,
  stop_sequences: ['</done>'],
  metadata: { user_id: 'u1' },
  output_config: { effort: 'high' },
  context_management: { edits: [] },
};

describe('the Anthropic Messages schemas', () => {
  it('resolve every $ref among themselves', () => {
    const refs = [...JSON.stringify(SCHEMAS).matchAll(/"\$ref":"([^"]+)"/g)];
    expect(refs.length).toBeGreaterThan(10);
    for (const [, ref] of refs) {
      expect(SCHEMAS, ref).toHaveProperty(
        ref!.replace('#/components/schemas/', ''),
      );
    }
  });

  it('map each discriminator value to the schema of that `type`', () => {
    const unions = Object.values(SCHEMAS).filter((s) => s.discriminator);
    expect(unions.length).toBeGreaterThanOrEqual(5);
    for (const union of unions) {
      const mapping = union.discriminator!.mapping!;
      expect(Object.values(mapping)).toEqual(
        union.oneOf!.map((member) => ('$ref' in member ? member.$ref : '')),
      );
      for (const [type, ref] of Object.entries(mapping)) {
        const name = ref.replace('#/components/schemas/', '');
        const member = SCHEMAS[name as keyof typeof SCHEMAS];
        expect(member?.properties?.['type'], name).toEqual({
          type: 'string',
          enum: [type],
        });
        expect(member?.required, name).toContain('type');
      }
    }
  });

  it('accept a message with every kind of block', () => {
    expect(validator('AnthropicMessage')(MESSAGE)).toEqual([]);
  });

  it('accept every kind of stream event, and describe no other', () => {
    const validate = validator('AnthropicMessageStreamEvent');
    const events = [...EVENTS, ...ERRORS];
    expect(new Set(events.map((event) => event.type))).toEqual(
      new Set(Object.keys(STREAM_EVENTS)),
    );
    for (const event of events) {
      expect(validate(event), JSON.stringify(event)).toEqual([]);
    }
  });

  it('reject an event or message the gateway never writes', () => {
    const event = validator('AnthropicMessageStreamEvent');
    expect(event({ type: 'content_block_stop' })).not.toEqual([]);
    expect(event({ type: 'message_end' })).not.toEqual([]);
    expect(
      event({
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', partial_json: '{}' },
      }),
    ).not.toEqual([]);
    const message = validator('AnthropicMessage');
    expect(message({ ...MESSAGE, stop_reason: 'pause_turn' })).not.toEqual([]);
    expect(message({ ...MESSAGE, usage: { input_tokens: 1 } })).not.toEqual([]);
  });

  it('describe each SSE frame of a stream as its event name and JSON', () => {
    const validate = validator('MessagesSseEvent');
    for (const event of [...EVENTS, ...ERRORS]) {
      const frame = { event: event.type, data: JSON.stringify(event) };
      expect(validate(frame), event.type).toEqual([]);
    }
    expect(validate({ data: '[DONE]' })).not.toEqual([]);
  });

  it('accept every error type in the error body, and nothing else', () => {
    const validate = validator('AnthropicError');
    for (const error of ERRORS) {
      expect(validate(error), error.error.type).toEqual([]);
    }
    expect(
      validate({ error: { message: 'x', type: 'invalid_request_error' } }),
    ).not.toEqual([]);
    expect(
      validate({
        type: 'error',
        error: { message: 'x', type: 'server_error' },
      }),
    ).not.toEqual([]);
  });

  it('accept a Claude Code request with fields the gateway ignores', () => {
    expect(validator('AnthropicCreateMessageRequest')(REQUEST)).toEqual([]);
  });

  it('require model, max_tokens and messages, and check the fields read', () => {
    const validate = validator('AnthropicCreateMessageRequest');
    const { max_tokens: _max, ...withoutMax } = REQUEST;
    expect(validate(withoutMax)).not.toEqual([]);
    expect(validate({ ...REQUEST, messages: [] })).not.toEqual([]);
    expect(validate({ ...REQUEST, tool_choice: { type: 'tool' } })).not.toEqual(
      [],
    );
    expect(
      validate({
        ...REQUEST,
        messages: [{ role: 'user', content: [{ type: 'text' }] }],
      }),
    ).not.toEqual([]);
    expect(
      validate({ ...REQUEST, tools: [{ name: 'no_input_schema' }] }),
    ).not.toEqual([]);
  });

  it('count tokens of a request without max_tokens', () => {
    const validate = validator('AnthropicCountTokensRequest');
    const { max_tokens: _max, stream: _stream, ...prompt } = REQUEST;
    expect(validate(prompt)).toEqual([]);
    expect(validate({ model: 'm' })).not.toEqual([]);
    expect(
      validator('AnthropicCountTokensResponse')({ input_tokens: 3 }),
    ).toEqual([]);
  });
});
