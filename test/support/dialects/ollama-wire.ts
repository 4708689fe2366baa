/**
 * What every Ollama release here writes the same way, read from
 * ollama/ollama (fetched snapshot):
 * - openai/openai.go (@8d8c701d6a8a and @fb3076099): ChatCompletion /
 *   ChatCompletionChunk field order (`system_fingerprint: "fp_ollama"` before
 *   `choices`), Message (role, content without omitempty, reasoning,
 *   tool_calls), ToolCall (id, index, type, function), Usage (prompt,
 *   completion, total: no reasoning count), NewError types.
 * - middleware/openai.go: chunks are `json.Marshal` + `data: …\n\n`, bodies are
 *   `json.NewEncoder(w).Encode` (a trailing newline); both escape <, > and &
 *   as \u003c, \u003e, \u0026; errors become
 *   `{"error":{"message","type","param":null,"code":null}}`.
 * - server/routes.go: `chatcmpl-` + rand.Intn(999) ids, toolCallId() =
 *   `call_` + 8 of [a-z0-9], "model '%s' not found" (404);
 *   llm/llama_server.go: the prompt-too-long 400 message.
 */
import { http, type RawHttp } from './types.js';

export const SSE = 'text/event-stream';
export const JSON_TYPE = 'application/json';
export const HEAD =
  '"id":"chatcmpl-314","object":"chat.completion.chunk","created":1790000000,"model":"qwen3:8b","system_fingerprint":"fp_ollama"';

/** Go's encoding/json string: HTML-sensitive characters escaped. */
export function goq(value: string): string {
  return JSON.stringify(value)
    .replace(/&/g, '\\u0026')
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e');
}

/** The answer of the text scenarios: its `&` travels as \u0026. */
export const OLLAMA_TEXT = 'Hello! Tea & cake?';
export const TEXT_PIECES = ['Hello', '! Tea & cake', '?'];

export const CALL_1 = 'call_k3x9m2p7';
export const CALL_2 = 'call_q8w4e1r6';
/** Arguments are a re-marshalled ordered map: compact, no spaces. */
export const WEATHER_ARGS = '{"city":"Paris"}';
export const TIME_ARGS = '{"timezone":"Europe/Paris"}';

export function toolCall(
  id: string,
  index: number,
  name: string,
  args: string,
): string {
  return `{"id":"${id}","index":${index},"type":"function","function":{"name":"${name}","arguments":${goq(args)}}}`;
}

/** A chunk: choices carry no logprobs key (omitempty). */
export function chunk(delta: string, reason: string | null = null): string {
  return `{${HEAD},"choices":[{"index":0,"delta":${delta},"finish_reason":${reason === null ? 'null' : `"${reason}"`}}]}`;
}

export function usageChunk(p: number, c: number): string {
  return `{${HEAD},"choices":[],"usage":{"prompt_tokens":${p},"completion_tokens":${c},"total_tokens":${p + c}}}`;
}

/** The non-streamed body, newline-terminated by json.Encoder. */
export function completion(
  message: { content: string; reasoning?: string; calls?: string },
  reason: string,
  p: number,
  c: number,
): RawHttp {
  const reasoning =
    message.reasoning === undefined
      ? ''
      : `,"reasoning":${goq(message.reasoning)}`;
  const calls =
    message.calls === undefined ? '' : `,"tool_calls":[${message.calls}]`;
  return http(
    200,
    JSON_TYPE,
    `{"id":"chatcmpl-314","object":"chat.completion","created":1790000000,"model":"qwen3:8b","system_fingerprint":"fp_ollama","choices":[{"index":0,"message":{"role":"assistant","content":${goq(message.content)}${reasoning}${calls}},"finish_reason":"${reason}"}],"usage":{"prompt_tokens":${p},"completion_tokens":${c},"total_tokens":${p + c}}}\n`,
  );
}

export const NOT_FOUND = http(
  404,
  JSON_TYPE,
  `{"error":{"message":"model 'gpt-4o-mini' not found","type":"not_found_error","param":null,"code":null}}\n`,
);

export const TOO_LONG = http(
  400,
  JSON_TYPE,
  `{"error":{"message":"the prompt is longer than the context length currently available to the model; shorten the prompt, adjust the context length in settings, or use a model with a longer context length","type":"invalid_request_error","param":null,"code":null}}\n`,
);
