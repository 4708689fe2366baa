import type { SchemaObject } from '@nestjs/swagger';
import {
  AGENT_FORMAT_DESCRIPTION,
  AGENT_FORMAT_VALUE_SCHEMA,
} from './request-headers.js';
import { schemaRef } from './schema-ref.js';

/** The body field every create route reads besides OpenAI's. */
const AGENT_FORMAT_PROPERTY = { agent_format: schemaRef('AgentFormat') };

/**
 * The request bodies of the create routes: OpenAI's, with what the gateway
 * adds or requires.
 */
export const REQUEST_SCHEMAS: Record<string, SchemaObject> = {
  AgentFormat: {
    description: `${AGENT_FORMAT_DESCRIPTION} \`null\` is as if the field were absent.`,
    anyOf: [...AGENT_FORMAT_VALUE_SCHEMA.anyOf, { type: 'null' }],
  },
  CreateResponseRequest: {
    description:
      "OpenAI's CreateResponse, with `model` required and the gateway's `agent_format`. Fields the gateway does not read are passed on or ignored, never rejected.",
    allOf: [
      schemaRef('CreateResponse'),
      {
        type: 'object',
        properties: {
          model: schemaRef('ModelIdsResponses'),
          ...AGENT_FORMAT_PROPERTY,
        },
        required: ['model'],
      },
    ],
  },
  // OpenAI declares this body inline, under createConversationItems.
  CreateConversationItemsBody: {
    type: 'object',
    properties: {
      items: {
        type: 'array',
        description:
          'The items to add to the conversation, up to 20 at a time.',
        items: schemaRef('InputItem'),
        maxItems: 20,
      },
    },
    required: ['items'],
  },
  GatewayChatCompletionRequest: {
    description:
      "OpenAI's CreateChatCompletionRequest, with the gateway's `agent_format`. Other fields the gateway does not know are forwarded to the upstream untouched.",
    allOf: [
      schemaRef('CreateChatCompletionRequest'),
      { type: 'object', properties: AGENT_FORMAT_PROPERTY },
    ],
  },
};
