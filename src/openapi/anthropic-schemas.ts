import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';
import type {
  AnthropicBlockDelta,
  AnthropicErrorBody,
  AnthropicErrorType,
  AnthropicOutputBlock,
  AnthropicStopReason,
  AnthropicStreamEvent,
} from '../protocol/anthropic-messages.types.js';
import type { ErrorAnswers } from './complete-document.js';
import { schemaRef } from './schema-ref.js';

/** A string property of one value, e.g. the `type` of a union member. */
export function constant(value: string): SchemaObject {
  return { type: 'string', enum: [value] };
}

/**
 * A `oneOf` of component schemas told apart by their `type` property
 * (OpenAPI's discriminator; each member's `type` is its `constant`).
 */
export function byType(schemas: Record<string, string>): SchemaObject {
  return {
    oneOf: Object.values(schemas).map(schemaRef),
    discriminator: {
      propertyName: 'type',
      mapping: Object.fromEntries(
        Object.entries(schemas).map(([type, name]) => [
          type,
          schemaRef(name).$ref,
        ]),
      ),
    },
  };
}

// Typed as exhaustive lists, so a value or event added to the wire types
// fails the build until it is documented here.
const STOP_REASONS: Record<AnthropicStopReason, true> = {
  end_turn: true,
  max_tokens: true,
  stop_sequence: true,
  tool_use: true,
  refusal: true,
};
const ERROR_TYPES: Record<AnthropicErrorType, true> = {
  invalid_request_error: true,
  authentication_error: true,
  permission_error: true,
  not_found_error: true,
  request_too_large: true,
  rate_limit_error: true,
  api_error: true,
  overloaded_error: true,
};
const OUTPUT_BLOCKS: Record<AnthropicOutputBlock['type'], string> = {
  text: 'AnthropicTextBlock',
  thinking: 'AnthropicThinkingBlock',
  tool_use: 'AnthropicToolUseBlock',
};
const BLOCK_DELTAS: Record<AnthropicBlockDelta['type'], string> = {
  text_delta: 'AnthropicTextDelta',
  input_json_delta: 'AnthropicInputJsonDelta',
  thinking_delta: 'AnthropicThinkingDelta',
  signature_delta: 'AnthropicSignatureDelta',
};
/** Every event of a Messages stream, by its `type` (and SSE event name). */
export const STREAM_EVENTS: Record<
  AnthropicStreamEvent['type'] | AnthropicErrorBody['type'],
  string
> = {
  message_start: 'AnthropicMessageStartEvent',
  content_block_start: 'AnthropicContentBlockStartEvent',
  content_block_delta: 'AnthropicContentBlockDeltaEvent',
  content_block_stop: 'AnthropicContentBlockStopEvent',
  message_delta: 'AnthropicMessageDeltaEvent',
  message_stop: 'AnthropicMessageStopEvent',
  ping: 'AnthropicPingEvent',
  error: 'AnthropicError',
};

const tokens: SchemaObject = { type: 'integer', minimum: 0 };
const index: SchemaObject = {
  type: 'integer',
  minimum: 0,
  description: "The block's position in the message's `content`.",
};

/** An object of `type` with `fields`, all of them required. */
function typed(
  type: string,
  fields: Record<string, SchemaObject | ReferenceObject> = {},
  description?: string,
): SchemaObject {
  return {
    ...(description === undefined ? {} : { description }),
    type: 'object',
    properties: { type: constant(type), ...fields },
    required: ['type', ...Object.keys(fields)],
  };
}

const CONTENT_SCHEMAS: Record<string, SchemaObject> = {
  AnthropicTextBlock: typed('text', { text: { type: 'string' } }),
  AnthropicThinkingBlock: typed(
    'thinking',
    { thinking: { type: 'string' }, signature: { type: 'string' } },
    "The model's reasoning, as the upstream sent it (`reasoning_content` or `reasoning`, or `<think>` text). The signature is the gateway's own: sent back in a later request, it tells the gateway the block is one it wrote.",
  ),
  AnthropicToolUseBlock: typed(
    'tool_use',
    {
      id: {
        type: 'string',
        description:
          "`toolu_`, the upstream's tool call id in base64url, then `_` and 8 random base62 characters (unique per call even when the upstream reuses its ids); a `tool_result` answers the call by this id.",
      },
      name: { type: 'string' },
      input: { type: 'object', additionalProperties: true },
    },
    "A call of one of the request's tools (the gateway's own MCP tools are run server-side and never show up here).",
  ),
  AnthropicContentBlock: byType(OUTPUT_BLOCKS),
  AnthropicStopReason: {
    description:
      '`null` in `message_start`, before the model has finished. `refusal`: the upstream filtered the answer (`content_filter`).',
    type: ['string', 'null'],
    enum: [...Object.keys(STOP_REASONS), null],
  },
  AnthropicUsage: {
    description:
      "The upstream's token counts, as Anthropic counts them: the prompt tokens the upstream reports as cached (`prompt_tokens_details.cached_tokens`) are `cache_read_input_tokens` and left out of `input_tokens`; `cache_creation_input_tokens` is always 0. `message_start` carries what is known then (often zeros), `message_delta` the final counts.",
    type: 'object',
    properties: {
      input_tokens: tokens,
      output_tokens: tokens,
      cache_creation_input_tokens: tokens,
      cache_read_input_tokens: tokens,
    },
    required: [
      'input_tokens',
      'output_tokens',
      'cache_creation_input_tokens',
      'cache_read_input_tokens',
    ],
  },
  AnthropicMessage: {
    description:
      'The answer of `POST /v1/messages` (and, with empty `content`, the `message` of `message_start`).',
    type: 'object',
    properties: {
      id: { type: 'string', description: '`msg_` and a random id.' },
      type: constant('message'),
      role: constant('assistant'),
      model: {
        type: 'string',
        description: 'The model the request named, echoed.',
      },
      content: { type: 'array', items: schemaRef('AnthropicContentBlock') },
      stop_reason: schemaRef('AnthropicStopReason'),
      stop_sequence: {
        type: ['string', 'null'],
        description:
          'The one of `stop_sequences` that ended the answer (`stop_reason: stop_sequence`), else null.',
      },
      usage: schemaRef('AnthropicUsage'),
    },
    required: [
      'id',
      'type',
      'role',
      'model',
      'content',
      'stop_reason',
      'stop_sequence',
      'usage',
    ],
  },
  AnthropicCountTokensResponse: {
    description:
      "An estimate (about four characters a token) of the request's prompt as the upstream would see it; no upstream is called.",
    type: 'object',
    properties: { input_tokens: tokens },
    required: ['input_tokens'],
  },
  AnthropicError: {
    description:
      "Anthropic's error body: every error answer of the Messages routes (the gateway's own, an upstream's, a refused key or a rate limit), and the `error` event that ends a stream which fails after it began.",
    type: 'object',
    properties: {
      type: constant('error'),
      error: {
        type: 'object',
        properties: {
          type: { type: 'string', enum: Object.keys(ERROR_TYPES) },
          message: {
            type: 'string',
            description:
              'A request over the context window reads as Anthropic words it: `prompt is too long: N tokens > L maximum`, or ``input length and `max_tokens` exceed context limit: N + M > L, …`` when only `max_tokens` is too large.',
          },
        },
        required: ['type', 'message'],
      },
    },
    required: ['type', 'error'],
  },
};

const DELTA_SCHEMAS: Record<string, SchemaObject> = {
  AnthropicTextDelta: typed('text_delta', { text: { type: 'string' } }),
  AnthropicInputJsonDelta: typed('input_json_delta', {
    partial_json: {
      type: 'string',
      description:
        "A piece of the tool call's `input` JSON; the pieces of one block joined are the whole object.",
    },
  }),
  AnthropicThinkingDelta: typed('thinking_delta', {
    thinking: { type: 'string' },
  }),
  AnthropicSignatureDelta: typed(
    'signature_delta',
    { signature: { type: 'string' } },
    "The thinking block's signature, once its text is complete.",
  ),
  AnthropicContentBlockDelta: byType(BLOCK_DELTAS),
};

const EVENT_SCHEMAS: Record<string, SchemaObject> = {
  AnthropicMessageStartEvent: typed('message_start', {
    message: schemaRef('AnthropicMessage'),
  }),
  AnthropicContentBlockStartEvent: typed(
    'content_block_start',
    { index, content_block: schemaRef('AnthropicContentBlock') },
    'A block begins, empty (its text, thinking, or `input: {}`); its deltas follow.',
  ),
  AnthropicContentBlockDeltaEvent: typed('content_block_delta', {
    index,
    delta: schemaRef('AnthropicContentBlockDelta'),
  }),
  AnthropicContentBlockStopEvent: typed('content_block_stop', { index }),
  AnthropicMessageDeltaEvent: typed(
    'message_delta',
    {
      delta: {
        type: 'object',
        properties: {
          stop_reason: schemaRef('AnthropicStopReason'),
          stop_sequence: { type: ['string', 'null'] },
        },
        required: ['stop_reason', 'stop_sequence'],
      },
      usage: schemaRef('AnthropicUsage'),
    },
    "The stop reason and the final usage, once the model's answer has ended.",
  ),
  AnthropicMessageStopEvent: typed(
    'message_stop',
    {},
    'The last event of a stream that ends normally.',
  ),
  AnthropicPingEvent: typed(
    'ping',
    {},
    'Sent after KEEPALIVE_INTERVAL seconds without another event.',
  ),
  AnthropicMessageStreamEvent: {
    description:
      'The JSON of one event of a Messages stream (the `data` of an SSE event named by its `type`; see MessagesSseEvent).',
    ...byType(STREAM_EVENTS),
  },
};

/**
 * The schemas of what the Messages API answers (src/messages/): the
 * message, its stream events, the token count and the error body, written
 * from the wire types of src/protocol/anthropic-messages.types.ts. The
 * request bodies are in anthropic-request-schemas.ts.
 */
export const ANTHROPIC_SCHEMAS: Record<string, SchemaObject> = {
  ...CONTENT_SCHEMAS,
  ...DELTA_SCHEMAS,
  ...EVENT_SCHEMAS,
};

/** The error answers of the Messages operations (tag `messages`). */
export const ANTHROPIC_ERROR_ANSWERS: ErrorAnswers = {
  schema: 'AnthropicError',
  description:
    "An error in Anthropic's shape: `invalid_request_error` (400, and other 4xx), `not_found_error` (404, e.g. an unknown upstream), `request_too_large` (413), `rate_limit_error` (429), `overloaded_error` (503), `api_error` (an upstream failure, 502, 504, …).",
};
