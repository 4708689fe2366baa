import type { SchemaObject } from '@nestjs/swagger';
import { renameEvent } from '../protocol/event-naming.js';
import { type JsonSchema, schemaRef } from './schema-ref.js';

/** The text of the last event of a stream that ends normally. */
const DONE_DATA = '[DONE]';

/** An SSE `data` field that holds the JSON text of `schema`. */
function jsonData(schema: string): JsonSchema {
  return {
    type: 'string',
    contentMediaType: 'application/json',
    contentSchema: schemaRef(schema),
  };
}

const DONE_DATA_SCHEMA: JsonSchema = { type: 'string', const: DONE_DATA };

/**
 * OpenAI's raw reasoning text events, whose Open Responses names
 * `x-responses-event-naming: open-responses` picks (renameEvent's), by the
 * gateway's schema name.
 */
const RENAMED_EVENTS = {
  OpenResponsesReasoningDeltaEvent: 'ResponseReasoningTextDeltaEvent',
  OpenResponsesReasoningDoneEvent: 'ResponseReasoningTextDoneEvent',
};

/** An OpenAI event schema with its `type` renamed as the gateway renames it. */
function renamed(openAi: SchemaObject): SchemaObject {
  const typeSchema = openAi.properties?.['type'] as SchemaObject;
  const openAiType = String(typeSchema.enum?.[0]);
  const { type } = renameEvent(
    { type: openAiType, sequence_number: 0 },
    'open-responses',
  );
  const schema: SchemaObject & Record<string, unknown> = {
    ...openAi,
    description: `\`${openAiType}\` as Open Responses names it (\`x-responses-event-naming: open-responses\`).`,
    properties: {
      ...openAi.properties,
      type: { type: 'string', enum: [type] },
    },
  };
  // Its example names OpenAI's type.
  delete schema['x-oaiMeta'];
  return schema;
}

/**
 * The schemas of the gateway's event streams, some derived from OpenAI's
 * (`openAi`). The `…SseEvent` ones are the `itemSchema`s of the
 * `text/event-stream` answers: each describes one event as an SSE parser
 * yields it (OpenAPI 3.2, "Special Considerations for Server-Sent Events"),
 * so `data` is a string whose JSON `contentSchema` names; comment lines are
 * not events.
 */
export function streamSchemas(
  openAi: Record<string, SchemaObject>,
): Record<string, SchemaObject> {
  return {
    ...Object.fromEntries(
      Object.entries(RENAMED_EVENTS).map(([name, openAiName]) => [
        name,
        renamed(openAi[openAiName]!),
      ]),
    ),
    ...SCHEMAS,
  };
}

const SCHEMAS: Record<string, SchemaObject> = {
  ResponseKeepaliveEvent: {
    description:
      'Sent after KEEPALIVE_INTERVAL seconds without another event, as the OpenAI API does (its spec does not list it).',
    type: 'object',
    properties: {
      type: { type: 'string', enum: ['keepalive'] },
      sequence_number: { type: 'integer' },
    },
    required: ['type', 'sequence_number'],
  },
  GatewayResponseStreamEvent: {
    description:
      'The JSON of one Responses stream event: an SSE `data` field (see ResponsesSseEvent), or one WebSocket message. With `x-responses-event-naming: open-responses`, the raw reasoning text events have their Open Responses names.',
    anyOf: [
      schemaRef('ResponseStreamEvent'),
      schemaRef('ResponseKeepaliveEvent'),
      ...Object.keys(RENAMED_EVENTS).map(schemaRef),
    ],
  },
  SseDoneEvent: {
    description:
      'The last event of a stream that ends normally: `data: [DONE]`, without an event name. Nothing follows it.',
    type: 'object',
    properties: { data: DONE_DATA_SCHEMA },
    required: ['data'],
    not: { required: ['event'] },
  },
  ResponsesSseEvent: {
    description: [
      'One event of a Responses stream (`stream: true`): `event: <type>` and `data: <json>`, where the JSON is a GatewayResponseStreamEvent whose `type` is the event name.',
      "After exactly one terminal event (`response.completed`, `response.incomplete`, or `response.failed` for a failure once the stream began) the stream ends with `data: [DONE]` (SseDoneEvent), as Open Responses streams do; OpenAI's own stream has no such trailer, and the official SDKs stop reading at it.",
      'Only a failure that cannot be told as `response.failed` ends the stream with one `event: error` frame instead, without `[DONE]`.',
      'While the model has not started, `: keepalive` comment lines may come first; SSE parsers skip them.',
    ].join(' '),
    anyOf: [
      {
        type: 'object',
        properties: {
          event: {
            type: 'string',
            description: 'The `type` of the event in `data`.',
          },
          data: jsonData('GatewayResponseStreamEvent'),
        },
        required: ['event', 'data'],
      },
      schemaRef('SseDoneEvent'),
    ],
  },
  ChatCompletionSseEvent: {
    description: [
      'One event of a chat completion stream (`stream: true`): `data: <json>`, without an event name, where the JSON is a CreateChatCompletionStreamResponse chunk.',
      "The stream ends with `data: [DONE]` (SseDoneEvent), as OpenAI's does.",
      'A failure once the stream began is one last event whose JSON is a GatewayError (`{"error":…}`), and the stream ends after it without `[DONE]`; only when the shutdown grace period cuts a stream does `[DONE]` follow that error.',
      'While the model has not started, `: keepalive` comment lines may come first; SSE parsers skip them.',
    ].join(' '),
    anyOf: [
      {
        type: 'object',
        properties: { data: jsonData('CreateChatCompletionStreamResponse') },
        required: ['data'],
        not: { required: ['event'] },
      },
      {
        type: 'object',
        properties: { data: jsonData('GatewayError') },
        required: ['data'],
        not: { required: ['event'] },
      },
      schemaRef('SseDoneEvent'),
    ],
  },
  MessagesSseEvent: {
    description: [
      'One event of a Messages stream (`stream: true`): `event: <type>` and `data: <json>`, where the JSON is an AnthropicMessageStreamEvent whose `type` is the event name.',
      "The stream starts with `message_start` and ends with `message_stop`, without `[DONE]`, as Anthropic's does; `ping` events come when no other event did for KEEPALIVE_INTERVAL seconds.",
      'A failure once the stream began is one last `error` event (an AnthropicError), and the stream ends after it.',
      'While the model has not started, `: keepalive` comment lines may come first; SSE parsers skip them.',
    ].join(' '),
    anyOf: [
      {
        type: 'object',
        properties: {
          event: {
            type: 'string',
            description: 'The `type` of the event in `data`.',
          },
          data: jsonData('AnthropicMessageStreamEvent'),
        },
        required: ['event', 'data'],
      },
    ],
  },
};
