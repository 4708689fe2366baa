import type {
  CreateResponseRequest,
  ResponseTextFormat,
} from '../../protocol/responses.types.js';

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
 * Maps the scalar Responses settings (checked by the request's DTO) to chat
 * request fields. Not sent: `truncation`, `store`, `include`, `background`,
 * `previous_response_id`, `stream` and `stream_options` (the caller sets
 * streaming itself).
 */
export function toChatOptions(
  request: CreateResponseRequest,
): Record<string, unknown> {
  const chat: Record<string, unknown> = {};
  const format = request.text?.format;
  set(chat, 'response_format', format ? toResponseFormat(format) : undefined);
  set(chat, 'verbosity', request.text?.verbosity);
  set(chat, 'reasoning_effort', request.reasoning?.effort);
  // `max_tokens`, not `max_completion_tokens`: vLLM, Ollama and llama.cpp all
  // read it, and OpenAI still accepts it for non-reasoning models.
  set(chat, 'max_tokens', request.max_output_tokens);
  set(chat, 'temperature', request.temperature);
  set(chat, 'top_p', request.top_p);
  set(chat, 'user', request.user ?? request.safety_identifier);
  set(chat, 'metadata', request.metadata);
  set(chat, 'prompt_cache_key', request.prompt_cache_key);
  set(chat, 'service_tier', request.service_tier);
  const topLogprobs = request.top_logprobs;
  if (topLogprobs !== undefined && topLogprobs !== null) {
    chat['logprobs'] = true;
    chat['top_logprobs'] = topLogprobs;
  }
  for (const key of CHAT_EXTRAS) {
    set(chat, key, request[key]);
  }
  return chat;
}

function toResponseFormat(
  format: ResponseTextFormat,
): Record<string, unknown> | undefined {
  if (format.type !== 'json_schema') {
    return format.type === 'json_object' ? { type: 'json_object' } : undefined;
  }
  const jsonSchema: Record<string, unknown> = {
    name: format.name,
    schema: format.schema,
  };
  set(jsonSchema, 'strict', format.strict);
  set(jsonSchema, 'description', format.description);
  // Responses' json_schema format is flat; chat wraps it in `json_schema`.
  return { type: 'json_schema', json_schema: jsonSchema };
}

/** Sets `target[key]` to `value` unless it is absent (undefined or null). */
function set(
  target: Record<string, unknown>,
  key: string,
  value: unknown,
): void {
  if (value !== undefined && value !== null) {
    target[key] = value;
  }
}
