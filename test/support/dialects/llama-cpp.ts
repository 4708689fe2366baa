/**
 * llama.cpp `llama-server --jinja -m Qwen3-8B-Q4_K_M.gguf` (reasoning format
 * auto → `reasoning_content`).
 *
 * Read (ggml-org/llama.cpp):
 * - tools/server/server-task.cpp @00efb3e18426: json is nlohmann::ordered_json,
 *   so keys keep insertion order (`choices` first, `object` after
 *   `system_fingerprint`); the first partial sends
 *   `{"role":"assistant","content":null}`; the final result sends its last
 *   diffs, a `finish_reason` chunk with `delta:{}`, and with include_usage a
 *   `choices:[]` usage chunk; `timings` rides on the last chunk; the
 *   non-streamed body puts `id` and `timings` last.
 * - common/chat.cpp @0083bb18d6ac: diff → delta (`reasoning_content`,
 *   `content`, and a tool-call header with id, type, name and `arguments:""`,
 *   later deltas only index + arguments); message → role, content ("" when
 *   only tool calls), reasoning_content, tool_calls (type, function, id).
 * - tools/server/server-common.cpp: ids are 32 random alphanumerics
 *   (gen_tool_call_id, no prefix); format_error_response →
 *   `{"error":{"code","message","type"}}`; the context overflow adds
 *   `n_prompt_tokens` and `n_ctx` (server-context.cpp).
 */
import {
  ANSWER,
  DONE,
  PREFACE,
  REASONING,
  TEXT,
  failure,
  http,
  ok,
  sse,
  usage,
  type Backend,
} from './types.js';

const SSE = 'text/event-stream';
const JSON_TYPE = 'application/json; charset=utf-8';
const ID = 'chatcmpl-Vq0yX3kT8mJ2bN6rL1cF9hD4gS7pW5zA';
const TAIL = `"created":1788000000,"id":"${ID}","model":"Qwen3-8B-Q4_K_M.gguf","system_fingerprint":"b7200-00efb3e1","object":"chat.completion.chunk"`;
const CALL_1 = 'Rk4Tg9LmQ2vX7cNp1Wz8Hs3Bd6Jf0YaE';
const CALL_2 = 'uE5oI2aP9sD3fG7hJ1kL4zX8cV6bN0mQ';
const q = JSON.stringify;

/** result_timings::to_json, computed the way the server computes it. */
function timings(
  promptN: number,
  promptMs: number,
  predictedN: number,
  predictedMs: number,
): string {
  return `{"cache_n":0,"prompt_n":${promptN},"prompt_ms":${promptMs},"prompt_per_token_ms":${promptMs / promptN},"prompt_per_second":${(1e3 / promptMs) * promptN},"predicted_n":${predictedN},"predicted_ms":${predictedMs},"predicted_per_token_ms":${predictedMs / predictedN},"predicted_per_second":${(1e3 / predictedMs) * predictedN}}`;
}

const chunk = (delta: string): string =>
  `{"choices":[{"finish_reason":null,"index":0,"delta":${delta}}],${TAIL}}`;

const FIRST = chunk('{"role":"assistant","content":null}');
const text = (t: string): string => chunk(`{"content":${q(t)}}`);
const thinking = (t: string): string => chunk(`{"reasoning_content":${q(t)}}`);
const callHead = (index: number, id: string, name: string): string =>
  chunk(
    `{"tool_calls":[{"index":${index},"id":"${id}","type":"function","function":{"name":"${name}","arguments":""}}]}`,
  );
const callArgs = (index: number, fragment: string): string =>
  chunk(
    `{"tool_calls":[{"index":${index},"function":{"arguments":${q(fragment)}}}]}`,
  );

/** The end of a stream: finish chunk, usage chunk when asked, timings on the last one. */
function end(reason: string, p: number, c: number, withUsage = true): string[] {
  const time = timings(p, 35.214, c, 98.47);
  const finish = `{"choices":[{"finish_reason":"${reason}","index":0,"delta":{}}],${TAIL}`;
  if (!withUsage) {
    return [`${finish},"timings":${time}}`];
  }
  return [
    `${finish}}`,
    `{"choices":[],${TAIL},"usage":{"completion_tokens":${c},"prompt_tokens":${p},"total_tokens":${p + c}},"timings":${time}}`,
  ];
}

function completion(
  message: { content: string; reasoning?: string; calls?: string },
  reason: string,
  p: number,
  c: number,
): string {
  const reasoning =
    message.reasoning === undefined
      ? ''
      : `,"reasoning_content":${q(message.reasoning)}`;
  const calls =
    message.calls === undefined ? '' : `,"tool_calls":[${message.calls}]`;
  return `{"choices":[{"finish_reason":"${reason}","index":0,"message":{"role":"assistant","content":${q(message.content)}${reasoning}${calls}}}],"created":1788000000,"model":"Qwen3-8B-Q4_K_M.gguf","system_fingerprint":"b7200-00efb3e1","object":"chat.completion","usage":{"completion_tokens":${c},"prompt_tokens":${p},"total_tokens":${p + c}},"id":"${ID}","timings":${timings(p, 35.214, c, 98.47)}}`;
}

const toolCall = (id: string, name: string, args: string): string =>
  `{"type":"function","function":{"name":"${name}","arguments":${q(args)}},"id":"${id}"}`;

const WEATHER_ARGS = '{"city":"Paris"}';
const TIME_ARGS = '{"timezone":"Europe/Paris"}';

const weather = (index: number, id: string): string[] => [
  callHead(index, id, 'get_weather'),
  callArgs(index, '{"city":"'),
  callArgs(index, 'Paris'),
  callArgs(index, '"}'),
];

const textChunks = [text('Hello'), text('! How'), text(' can I help?')];

const BAD_REQUEST = `{"error":{"code":400,"message":"Failed to parse messages: Expected 'content' or 'tool_calls' (ref: https://github.com/ggml-org/llama.cpp/issues/8367 & https://github.com/ggml-org/llama.cpp/issues/12279)","type":"invalid_request_error"}}`;

const TOO_LONG =
  '{"error":{"code":400,"message":"request (40000 tokens) exceeds the available context size (32768 tokens), try increasing it","type":"exceed_context_size_error","n_prompt_tokens":40000,"n_ctx":32768}}';

export const llamaCpp: Backend = {
  name: 'llama.cpp',
  sources: [
    'ggml-org/llama.cpp tools/server/server-task.cpp @00efb3e18426',
    'ggml-org/llama.cpp common/chat.cpp @0083bb18d6ac (doc names 85c9a504)',
    'ggml-org/llama.cpp tools/server/server-common.cpp (format_error_response, random_string)',
  ],
  scenarios: [
    {
      name: 'text',
      streamed: http(
        200,
        SSE,
        sse(FIRST, ...textChunks, ...end('stop', 12, 7)) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion({ content: TEXT }, 'stop', 12, 7),
      ),
      expect: ok({ text: TEXT, usage: usage(12, 7) }),
    },
    {
      name: 'reasoning',
      streamed: http(
        200,
        SSE,
        sse(
          FIRST,
          thinking('The user greets me.'),
          thinking(' I should greet back.'),
          text('Hi'),
          text(' there!'),
          ...end('stop', 14, 22),
        ) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion({ content: ANSWER, reasoning: REASONING }, 'stop', 14, 22),
      ),
      expect: ok({ text: ANSWER, reasoning: REASONING, usage: usage(14, 22) }),
    },
    {
      name: 'tool call',
      streamed: http(
        200,
        SSE,
        sse(FIRST, ...weather(0, CALL_1), ...end('tool_calls', 180, 21)) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(
          { content: '', calls: toolCall(CALL_1, 'get_weather', WEATHER_ARGS) },
          'tool_calls',
          180,
          21,
        ),
      ),
      expect: ok({
        text: '',
        calls: [{ id: CALL_1, name: 'get_weather', arguments: WEATHER_ARGS }],
        usage: usage(180, 21),
      }),
    },
    {
      name: 'parallel tool calls',
      streamed: http(
        200,
        SSE,
        sse(
          FIRST,
          ...weather(0, CALL_1),
          callHead(1, CALL_2, 'get_time'),
          callArgs(1, '{"timezone":"'),
          callArgs(1, 'Europe/Paris'),
          callArgs(1, '"}'),
          ...end('tool_calls', 190, 40),
        ) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(
          {
            content: '',
            calls: `${toolCall(CALL_1, 'get_weather', WEATHER_ARGS)},${toolCall(CALL_2, 'get_time', TIME_ARGS)}`,
          },
          'tool_calls',
          190,
          40,
        ),
      ),
      expect: ok({
        text: '',
        calls: [
          { id: CALL_1, name: 'get_weather', arguments: WEATHER_ARGS },
          { id: CALL_2, name: 'get_time', arguments: TIME_ARGS },
        ],
        usage: usage(190, 40),
      }),
    },
    {
      name: 'text then tool call',
      streamed: http(
        200,
        SSE,
        sse(
          FIRST,
          text('Let me check'),
          text(' the weather.'),
          ...weather(0, CALL_1),
          ...end('tool_calls', 185, 30),
        ) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(
          {
            content: PREFACE,
            calls: toolCall(CALL_1, 'get_weather', WEATHER_ARGS),
          },
          'tool_calls',
          185,
          30,
        ),
      ),
      expect: ok({
        text: PREFACE,
        calls: [{ id: CALL_1, name: 'get_weather', arguments: WEATHER_ARGS }],
        usage: usage(185, 30),
      }),
    },
    {
      name: 'usage',
      streamed: http(
        200,
        SSE,
        sse(FIRST, ...textChunks, ...end('stop', 25, 7)) + DONE,
      ),
      // Not asked: no usage chunk, and timings move to the finish chunk.
      streamedWithoutUsage: http(
        200,
        SSE,
        sse(FIRST, ...textChunks, ...end('stop', 25, 7, false)) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion({ content: TEXT }, 'stop', 25, 7),
      ),
      expect: ok({ text: TEXT, usage: usage(25, 7) }),
    },
    {
      name: 'error before streaming',
      streamed: http(400, JSON_TYPE, BAD_REQUEST),
      nonStreamed: http(400, JSON_TYPE, BAD_REQUEST),
      expect: failure(400, undefined, 'Failed to parse messages'),
    },
    {
      name: 'context overflow',
      streamed: http(400, JSON_TYPE, TOO_LONG),
      nonStreamed: http(400, JSON_TYPE, TOO_LONG),
      expect: failure(400, 'context_length_exceeded'),
    },
  ],
};
