import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';
import type {
  AnthropicThinkingConfig,
  AnthropicToolChoice,
} from '../protocol/anthropic-messages.types.js';
import { byType, constant } from './anthropic-schemas.js';
import { schemaRef } from './schema-ref.js';

type Schema = SchemaObject | ReferenceObject;

/** The block types the gateway reads; a block of another type is dropped. */
const READ_BLOCKS = {
  text: 'AnthropicTextBlockParam',
  image: 'AnthropicImageBlockParam',
  tool_use: 'AnthropicToolUseBlockParam',
  tool_result: 'AnthropicToolResultBlockParam',
  thinking: 'AnthropicThinkingBlockParam',
  redacted_thinking: 'AnthropicRedactedThinkingBlockParam',
};
const THINKING: Record<AnthropicThinkingConfig['type'], string> = {
  enabled: 'AnthropicThinkingEnabled',
  disabled: 'AnthropicThinkingDisabled',
  adaptive: 'AnthropicThinkingAdaptive',
  between_tools: 'AnthropicThinkingBetweenTools',
};
const TOOL_CHOICES: Record<AnthropicToolChoice['type'], string> = {
  auto: 'AnthropicToolChoiceAuto',
  any: 'AnthropicToolChoiceAny',
  tool: 'AnthropicToolChoiceTool',
  none: 'AnthropicToolChoiceNone',
};

const text: SchemaObject = { type: 'string' };
const open = { additionalProperties: true };

/**
 * An object of `type` with `fields` (`required` of them required), open
 * to other fields (`cache_control`, `citations`, …), which are ignored.
 */
function block(
  type: string,
  fields: Record<string, Schema>,
  required: string[],
  description?: string,
): SchemaObject {
  return {
    ...(description === undefined ? {} : { description }),
    type: 'object',
    properties: { type: constant(type), ...fields },
    required: ['type', ...required],
    ...open,
  };
}

const disableParallel: SchemaObject = {
  type: 'boolean',
  description: 'true: at most one tool call (`parallel_tool_calls: false`).',
};

const CONTENT_SCHEMAS: Record<string, SchemaObject> = {
  AnthropicTextBlockParam: block('text', { text }, ['text']),
  AnthropicImageBlockParam: block(
    'image',
    {
      source: {
        oneOf: [
          block('base64', { media_type: text, data: text }, [
            'media_type',
            'data',
          ]),
          block('url', { url: text }, ['url']),
          {
            description: 'Another source (e.g. `file`): the image is dropped.',
            type: 'object',
            properties: {
              type: { type: 'string', not: { enum: ['base64', 'url'] } },
            },
            required: ['type'],
          },
        ],
      },
    },
    ['source'],
    'Sent upstream as an `image_url` part (a `data:` URL for base64).',
  ),
  AnthropicToolUseBlockParam: block(
    'tool_use',
    { id: text, name: text, input: { type: 'object', ...open } },
    ['id', 'name', 'input'],
    "An earlier call, in an assistant message. An id the gateway made (`toolu_…`) goes upstream as the upstream's own; another as it is.",
  ),
  AnthropicToolResultBlockParam: block(
    'tool_result',
    {
      tool_use_id: text,
      content: {
        anyOf: [
          text,
          { type: 'array', items: schemaRef('AnthropicContentBlockParam') },
        ],
      },
      is_error: { type: 'boolean' },
    },
    ['tool_use_id'],
    'The result of a call, in a user message: a `tool` message upstream (its text, after `Error: ` when `is_error`; its images follow in a user message).',
  ),
  AnthropicThinkingBlockParam: block(
    'thinking',
    { thinking: text, signature: text },
    ['thinking', 'signature'],
    "Sent back upstream as the assistant's reasoning when the signature is this gateway's (COMPACTION_SECRET shared by its replicas); dropped otherwise.",
  ),
  AnthropicRedactedThinkingBlockParam: block(
    'redacted_thinking',
    { data: text },
    ['data'],
    'Accepted and dropped.',
  ),
  AnthropicOtherBlockParam: {
    description:
      'A block of another type (`document`, `search_result`, server tool blocks, …): accepted and dropped, with a log line.',
    type: 'object',
    properties: {
      type: { type: 'string', not: { enum: Object.keys(READ_BLOCKS) } },
    },
    required: ['type'],
    ...open,
  },
  AnthropicContentBlockParam: {
    anyOf: [...Object.values(READ_BLOCKS), 'AnthropicOtherBlockParam'].map(
      schemaRef,
    ),
  },
  AnthropicMessageParam: {
    type: 'object',
    properties: {
      role: {
        type: 'string',
        enum: ['user', 'assistant', 'system'],
        description:
          '`system` (as Claude Code sends): its text joins the system prompt, which goes upstream as one leading system message.',
      },
      content: {
        anyOf: [
          text,
          { type: 'array', items: schemaRef('AnthropicContentBlockParam') },
        ],
      },
    },
    required: ['role', 'content'],
    ...open,
  },
};

const TOOL_SCHEMAS: Record<string, SchemaObject> = {
  AnthropicCustomTool: {
    description: 'A tool the client runs: a function tool upstream.',
    type: 'object',
    properties: {
      type: { type: ['string', 'null'], enum: ['custom', null] },
      name: text,
      description: text,
      input_schema: {
        description:
          "The JSON Schema of the tool's `input`, sent upstream as the function's parameters (without a top-level `$schema`).",
        type: 'object',
        ...open,
      },
    },
    required: ['name', 'input_schema'],
    ...open,
  },
  AnthropicServerTool: {
    description:
      'A tool Anthropic runs (`web_search_…`, `bash_…`, `code_execution_…`, …): no chat backend runs it, so it is dropped, with a log line.',
    type: 'object',
    properties: {
      type: { type: 'string', not: { enum: ['custom'] } },
      name: text,
    },
    required: ['type', 'name'],
    ...open,
  },
  AnthropicToolChoiceAuto: block(
    'auto',
    { disable_parallel_tool_use: disableParallel },
    [],
  ),
  AnthropicToolChoiceAny: block(
    'any',
    { disable_parallel_tool_use: disableParallel },
    [],
    'Some tool must be called (`tool_choice: "required"`).',
  ),
  AnthropicToolChoiceTool: block(
    'tool',
    { name: text, disable_parallel_tool_use: disableParallel },
    ['name'],
  ),
  AnthropicToolChoiceNone: block('none', {}, [], 'No tool is called.'),
  AnthropicToolChoice: byType(TOOL_CHOICES),
  AnthropicThinkingEnabled: block(
    'enabled',
    { budget_tokens: { type: 'integer', minimum: 1 } },
    ['budget_tokens'],
  ),
  AnthropicThinkingDisabled: block('disabled', {}, []),
  AnthropicThinkingAdaptive: block('adaptive', {}, []),
  AnthropicThinkingBetweenTools: block(
    'between_tools',
    {},
    [],
    'Read as `adaptive`.',
  ),
  AnthropicThinkingConfig: {
    description:
      "Sent upstream as `reasoning_effort`: `enabled` by its `budget_tokens` (`low` below 4096, `medium` below 16384, else `high`); `adaptive` by `output_config.effort` (`max` is `high`), else the backend's default; `disabled`: none.",
    ...byType(THINKING),
  },
};

/** The fields of a request that make up the prompt (count_tokens reads these). */
const PROMPT_FIELDS: Record<string, Schema> = {
  model: {
    type: 'string',
    minLength: 1,
    description:
      'Routed to an upstream as on the other endpoints (UPSTREAMS, or the `{upstream}` of the path), and echoed in the answer.',
  },
  messages: {
    type: 'array',
    minItems: 1,
    items: schemaRef('AnthropicMessageParam'),
  },
  system: {
    anyOf: [
      text,
      { type: 'array', items: schemaRef('AnthropicTextBlockParam') },
    ],
  },
  tools: {
    type: 'array',
    description: 'Names must be unique.',
    items: {
      anyOf: [
        schemaRef('AnthropicCustomTool'),
        schemaRef('AnthropicServerTool'),
      ],
    },
  },
  tool_choice: schemaRef('AnthropicToolChoice'),
  thinking: schemaRef('AnthropicThinkingConfig'),
};

const REQUEST_DESCRIPTION =
  "Fields the gateway does not read (`cache_control`, `context_management`, `service_tier`, …) are accepted and ignored, never rejected, at any level; the fields it reads are checked, and a wrong one is a 400 `invalid_request_error` naming it in Anthropic's dotted form (`messages.1.content.0.type`).";

/**
 * The request bodies of the Messages API (src/messages/request/), from
 * the wire types of src/protocol/anthropic-messages.types.ts and the rules
 * MessagesRequestDto checks.
 */
export const ANTHROPIC_REQUEST_SCHEMAS: Record<string, SchemaObject> = {
  ...CONTENT_SCHEMAS,
  ...TOOL_SCHEMAS,
  AnthropicCreateMessageRequest: {
    description: `An Anthropic Messages request, answered by a Chat Completions backend. ${REQUEST_DESCRIPTION}`,
    type: 'object',
    properties: {
      ...PROMPT_FIELDS,
      max_tokens: { type: 'integer', minimum: 1 },
      stream: { type: 'boolean' },
      stop_sequences: {
        type: 'array',
        items: text,
        description:
          'Sent upstream as `stop`; `stop_reason` is `stop_sequence` when the backend names the one it stopped at.',
      },
      temperature: { type: 'number' },
      top_p: { type: 'number' },
      top_k: {
        type: 'integer',
        minimum: 0,
        description:
          'Left out for an OpenAI or Azure OpenAI upstream, which would refuse it.',
      },
      metadata: {
        type: 'object',
        properties: {
          user_id: {
            type: ['string', 'null'],
            description: 'Sent upstream as `user`.',
          },
        },
        ...open,
      },
      output_config: {
        type: 'object',
        properties: {
          effort: {
            type: 'string',
            examples: ['low', 'medium', 'high', 'max'],
            description:
              'With `adaptive` thinking, the `reasoning_effort` sent upstream (`max` is `high`; another value leaves the default).',
          },
        },
        ...open,
      },
    },
    required: ['model', 'max_tokens', 'messages'],
    ...open,
  },
  AnthropicCountTokensRequest: {
    description: `The prompt fields of a Messages request (\`max_tokens\` and the other generation settings may be sent, and are ignored). ${REQUEST_DESCRIPTION}`,
    type: 'object',
    properties: PROMPT_FIELDS,
    required: ['model', 'messages'],
    ...open,
  },
};
