import {
  invalidRequest,
  optionalBoolean,
  optionalNumber,
  optionalRecord,
  optionalString,
  requireString,
} from './request-guards.js';

// Chat-only sampling fields some clients add to a Responses request; every
// other unknown top-level field means nothing to a chat backend and is dropped.
const CHAT_EXTRAS = [
  'seed',
  'stop',
  'frequency_penalty',
  'presence_penalty',
  'logit_bias',
] as const;

/**
 * Maps the scalar Responses settings to chat request fields. Not sent:
 * `truncation`, `store`, `include`, `background`, `previous_response_id`,
 * `stream` and `stream_options` (the caller sets streaming itself).
 */
export function toChatOptions(
  request: Record<string, unknown>,
): Record<string, unknown> {
  const chat: Record<string, unknown> = {};
  const text = optionalRecord(request, 'text', 'text');
  if (text !== undefined) {
    const format = optionalRecord(text, 'format', 'text.format');
    const responseFormat =
      format === undefined ? undefined : toResponseFormat(format);
    set(chat, 'response_format', responseFormat);
    set(chat, 'verbosity', optionalString(text, 'verbosity', 'text.verbosity'));
  }
  const reasoning = optionalRecord(request, 'reasoning', 'reasoning');
  if (reasoning !== undefined) {
    set(
      chat,
      'reasoning_effort',
      optionalString(reasoning, 'effort', 'reasoning.effort'),
    );
  }
  // `max_tokens`, not `max_completion_tokens`: vLLM, Ollama and llama.cpp all
  // read it, and OpenAI still accepts it for non-reasoning models.
  set(
    chat,
    'max_tokens',
    optionalNumber(request, 'max_output_tokens', 'max_output_tokens'),
  );
  set(
    chat,
    'temperature',
    optionalNumber(request, 'temperature', 'temperature'),
  );
  set(chat, 'top_p', optionalNumber(request, 'top_p', 'top_p'));
  set(
    chat,
    'user',
    optionalString(request, 'user', 'user') ??
      optionalString(request, 'safety_identifier', 'safety_identifier'),
  );
  set(chat, 'metadata', optionalRecord(request, 'metadata', 'metadata'));
  set(
    chat,
    'prompt_cache_key',
    optionalString(request, 'prompt_cache_key', 'prompt_cache_key'),
  );
  set(
    chat,
    'service_tier',
    optionalString(request, 'service_tier', 'service_tier'),
  );
  const topLogprobs = optionalNumber(request, 'top_logprobs', 'top_logprobs');
  if (topLogprobs !== undefined) {
    chat['logprobs'] = true;
    chat['top_logprobs'] = topLogprobs;
  }
  for (const key of CHAT_EXTRAS) {
    set(chat, key, request[key] ?? undefined);
  }
  return chat;
}

/** The boolean `parallel_tool_calls`, validated. */
export function parallelToolCalls(
  request: Record<string, unknown>,
): boolean | undefined {
  return optionalBoolean(request, 'parallel_tool_calls', 'parallel_tool_calls');
}

function toResponseFormat(
  format: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const type = requireString(format, 'type', 'text.format.type');
  switch (type) {
    case 'text':
      return undefined;
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      const name = requireString(format, 'name', 'text.format.name');
      const schema = optionalRecord(format, 'schema', 'text.format.schema');
      if (schema === undefined) {
        throw invalidRequest(
          'text.format.schema',
          `Missing required parameter: 'text.format.schema'.`,
        );
      }
      const jsonSchema: Record<string, unknown> = { name, schema };
      set(
        jsonSchema,
        'strict',
        optionalBoolean(format, 'strict', 'text.format.strict'),
      );
      set(
        jsonSchema,
        'description',
        optionalString(format, 'description', 'text.format.description'),
      );
      // Responses' json_schema format is flat; chat wraps it in `json_schema`.
      return { type: 'json_schema', json_schema: jsonSchema };
    }
    default:
      throw invalidRequest(
        'text.format.type',
        `Invalid 'text.format.type': expected text, json_object or json_schema.`,
      );
  }
}

function set(
  target: Record<string, unknown>,
  key: string,
  value: unknown,
): void {
  if (value !== undefined) {
    target[key] = value;
  }
}
