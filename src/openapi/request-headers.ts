import { applyDecorators } from '@nestjs/common';
import type { ApiHeaderOptions, SchemaObject } from '@nestjs/swagger';
import { ApiHeader } from '../common/http/api-docs-decorators.js';
import { AGENT_FORMAT_NAMES } from '../config/agent-format-setting.js';
import { TOOL_CALL_FORMAT_HEADER } from '../protocol/gateway-headers.js';
import { MCP_TOOLS_HEADER } from '../protocol/gateway-headers.js';
import {
  EVENT_NAMING_HEADER,
  EVENT_NAMINGS,
} from '../protocol/event-naming.js';

/**
 * The `x-mcp-tools` values that keep the gateway's MCP tools out of a
 * request (compared trimmed and case-insensitively); request-headers.spec.ts
 * checks each against wantsMcpTools.
 */
export const MCP_TOOLS_OPT_OUT_VALUES = ['off', 'false', '0', 'none'] as const;

/**
 * `agent_format` / `x-tool-call-format` values: a name (case-insensitive) or
 * `START,END` (split on the first comma, both sides non-blank).
 */
export const AGENT_FORMAT_VALUE_SCHEMA: SchemaObject & {
  anyOf: SchemaObject[];
} = {
  anyOf: [
    { type: 'string', enum: [...AGENT_FORMAT_NAMES] },
    { type: 'string', pattern: '^[^,]*[^,\\s][^,]*,.*\\S.*$' },
  ],
};

/** What `agent_format` and `x-tool-call-format` choose, and which wins. */
export const AGENT_FORMAT_DESCRIPTION = [
  'How client tool calls reach the client: `openai` (real tool calls), a text format (`xml`, `llama3`, `qwen3`, `gemma`, or `START,END` for your own tags) written into the assistant text, or `passthrough` (the model output untouched, no text parsing).',
  'The body field `agent_format` (never sent upstream) beats the header `x-tool-call-format`, which beats the gateway default `DEFAULT_TOOL_CALL_TAGS` (`openai` unless set). A value of neither form is a 400 `invalid_value`.',
].join(' ');

const MCP_TOOLS: ApiHeaderOptions = {
  name: MCP_TOOLS_HEADER,
  required: false,
  description: `\`${MCP_TOOLS_OPT_OUT_VALUES.join('`, `')}\` (any case) keeps the gateway's MCP tools out of this request. Absent or any other value: they are merged into its tools, unless \`tool_choice\` is \`"none"\`.`,
  schema: { type: 'string', examples: ['off'] },
};

const TOOL_CALL_FORMAT: ApiHeaderOptions = {
  name: TOOL_CALL_FORMAT_HEADER,
  required: false,
  description: AGENT_FORMAT_DESCRIPTION,
  schema: AGENT_FORMAT_VALUE_SCHEMA,
};

const EVENT_NAMING: ApiHeaderOptions = {
  name: EVENT_NAMING_HEADER,
  required: false,
  description:
    'Names of the raw reasoning text events of a stream: `openai` (`response.reasoning_text.delta`/`.done`) or `open-responses` (`response.reasoning.delta`/`.done`); every other event is named alike. Absent or another value: the gateway default `RESPONSES_EVENT_NAMING` (`openai` unless set). Compared trimmed and case-insensitively; it only changes streams.',
  schema: { type: 'string', enum: [...EVENT_NAMINGS] },
};

const MESSAGES_MCP_TOOLS: ApiHeaderOptions = {
  ...MCP_TOOLS,
  description: `\`${MCP_TOOLS_OPT_OUT_VALUES.join('`, `')}\` (any case) keeps the gateway's MCP tools out of this request. Absent or any other value: they are merged into its tools, unless \`tool_choice\` is \`{"type": "none"}\`.`,
};

const ANTHROPIC_VERSION: ApiHeaderOptions = {
  name: 'anthropic-version',
  required: false,
  description:
    'The Messages API version an Anthropic client sends. Accepted, not required, and ignored: the gateway speaks one version.',
  schema: { type: 'string', examples: ['2023-06-01'] },
};

const ANTHROPIC_BETA: ApiHeaderOptions = {
  name: 'anthropic-beta',
  required: false,
  description:
    "Anthropic beta features, comma-separated. Accepted and ignored: a beta's fields are read like any other, and those the gateway does not know are ignored.",
  schema: { type: 'string' },
};

/** The request headers of `POST …/chat/completions` (the body may carry `agent_format`). */
export function ApiChatRequestHeaders(): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiHeader(MCP_TOOLS), ApiHeader(TOOL_CALL_FORMAT));
}

/** The request headers of `POST …/responses` (the body may carry `agent_format`). */
export function ApiResponsesRequestHeaders(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiHeader(MCP_TOOLS),
    ApiHeader(TOOL_CALL_FORMAT),
    ApiHeader(EVENT_NAMING),
  );
}

/** The request headers of `POST …/v1/messages`. */
export function ApiMessagesRequestHeaders(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiHeader(MESSAGES_MCP_TOOLS),
    ApiHeader(ANTHROPIC_VERSION),
    ApiHeader(ANTHROPIC_BETA),
  );
}

/** The request headers of `POST …/v1/messages/count_tokens`. */
export function ApiCountMessageTokensRequestHeaders(): MethodDecorator &
  ClassDecorator {
  return applyDecorators(
    ApiHeader(ANTHROPIC_VERSION),
    ApiHeader(ANTHROPIC_BETA),
  );
}

/** The request headers of the Responses WebSocket upgrade, as parameters. */
export const WEBSOCKET_REQUEST_HEADERS = [MCP_TOOLS, EVENT_NAMING].map(
  ({ name, description, schema }) => ({
    name,
    in: 'header' as const,
    required: false,
    description,
    schema,
  }),
);
