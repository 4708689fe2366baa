/**
 * SGLang (current), `python -m sglang.launch_server --model-path Qwen/Qwen3-8B
 * --reasoning-parser qwen3 --tool-call-parser qwen25`.
 *
 * Read (sgl-project/sglang):
 * - python/sglang/srt/entrypoints/openai/sse_utils.py @0671305890f9: role, text,
 *   reasoning and finish chunks are msgspec structs: StreamDelta omits None
 *   (order reasoning_content, role, content), StreamChoice always writes
 *   `logprobs`, `finish_reason` and `matched_stop` (the EOS token id).
 * - python/sglang/srt/entrypoints/openai/serving_chat.py @002897c23bec: once
 *   tools are offered, text goes through `_process_tool_call_stream`, which
 *   writes full pydantic `model_dump_json()` chunks: `"tool_calls":null`,
 *   `"usage":null`, and argument deltas with `"id":null` and `"name":null`;
 *   the usage chunk is a pydantic dump too; finish_reason becomes "tool_calls"
 *   when calls were streamed.
 * - python/sglang/srt/entrypoints/openai/protocol.py @004c82e07d87: DeltaMessage,
 *   ToolCall (id, index, type, function), UsageInfo with `reasoning_tokens`
 *   (not completion_tokens_details), flat ErrorResponse
 *   `{"object":"error",…,"code":400}`; `_validate_request` messages.
 * - tokenizer_manager `_validate_one_request`: "The input (N tokens) is longer
 *   than the model's context length (M tokens)." raised before the stream starts.
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

const SSE = 'text/event-stream; charset=utf-8';
const JSON_TYPE = 'application/json';
const ID = 'chatcmpl-3c9d1e7f5a2b4c8d9e0f1a2b3c4d5e6f';
const HEAD = `"id":"${ID}","object":"chat.completion.chunk","created":1786000000,"model":"Qwen/Qwen3-8B"`;
const CALL_1 = 'call_6f1a9c3e5b7d2f4a8c0e1b3d';
const CALL_2 = 'call_b2d4f6a8c0e1f3a5b7c9d1e3';
const EOS = '151645';
const q = JSON.stringify;

/** A msgspec chunk (build_sse_content). */
const lean = (d: string, reason = 'null', matched = 'null'): string =>
  `{${HEAD},"choices":[{"index":0,"delta":${d},"logprobs":null,"finish_reason":${reason},"matched_stop":${matched}}]}`;

/** A pydantic chunk: every delta field written, null where unset. */
const full = (content: string, calls: string): string =>
  `{${HEAD},"choices":[{"index":0,"delta":{"role":null,"content":${content},"reasoning_content":null,"tool_calls":${calls}},"logprobs":null,"finish_reason":null,"matched_stop":null}],"usage":null}`;

const FIRST = lean('{"role":"assistant","content":""}');
const text = (t: string): string => lean(`{"content":${q(t)}}`);
const toolText = (t: string): string => full(q(t), 'null');

const callName = (index: number, id: string, name: string): string =>
  full(
    'null',
    `[{"id":"${id}","index":${index},"type":"function","function":{"name":"${name}","arguments":""}}]`,
  );

const callArgs = (index: number, fragment: string): string =>
  full(
    'null',
    `[{"id":null,"index":${index},"type":"function","function":{"name":null,"arguments":${q(fragment)}}}]`,
  );

const finish = (reason: string): string => lean('{}', `"${reason}"`, EOS);

const usageChunk = (p: number, c: number, r: number): string =>
  `{${HEAD},"choices":[],"usage":{"prompt_tokens":${p},"total_tokens":${p + c},"completion_tokens":${c},"prompt_tokens_details":null,"reasoning_tokens":${r}}}`;

function completion(
  message: { content: string; reasoning?: string; calls?: string },
  reason: string,
  matched: string,
  p: number,
  c: number,
  r: number,
): string {
  const reasoning =
    message.reasoning === undefined ? 'null' : q(message.reasoning);
  const calls = message.calls === undefined ? 'null' : `[${message.calls}]`;
  return `{"id":"${ID}","object":"chat.completion","created":1786000000,"model":"Qwen/Qwen3-8B","choices":[{"index":0,"message":{"role":"assistant","content":${q(message.content)},"reasoning_content":${reasoning},"tool_calls":${calls}},"logprobs":null,"finish_reason":"${reason}","matched_stop":${matched}}],"usage":{"prompt_tokens":${p},"total_tokens":${p + c},"completion_tokens":${c},"prompt_tokens_details":null,"reasoning_tokens":${r}},"metadata":{"weight_version":"default"}}`;
}

const toolCall = (
  index: number,
  id: string,
  name: string,
  args: string,
): string =>
  `{"id":"${id}","index":${index},"type":"function","function":{"name":"${name}","arguments":${q(args)}}}`;

const WEATHER_ARGS = '{"city": "Paris"}';
const TIME_ARGS = '{"timezone": "Europe/Paris"}';

const weather = (index: number, id: string): string[] => [
  callName(index, id, 'get_weather'),
  callArgs(index, '{"city": "'),
  callArgs(index, 'Paris"}'),
];

const textChunks = [text('Hello'), text('! How'), text(' can I help?')];

const BAD_REQUEST =
  '{"object":"error","message":"Tools cannot be empty if tool choice is set to required.","type":"BadRequestError","param":null,"code":400}';

const TOO_LONG =
  '{"object":"error","message":"The input (40000 tokens) is longer than the model\'s context length (32768 tokens).","type":"BadRequestError","param":null,"code":400}';

export const sglang: Backend = {
  name: 'SGLang',
  sources: [
    'sgl-project/sglang python/sglang/srt/entrypoints/openai/serving_chat.py @002897c23bec',
    'sgl-project/sglang python/sglang/srt/entrypoints/openai/sse_utils.py @0671305890f9',
    'sgl-project/sglang python/sglang/srt/entrypoints/openai/protocol.py @004c82e07d87',
  ],
  scenarios: [
    {
      name: 'text',
      streamed: http(
        200,
        SSE,
        sse(FIRST, ...textChunks, finish('stop'), usageChunk(12, 7, 0)) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion({ content: TEXT }, 'stop', EOS, 12, 7, 0),
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
          lean('{"reasoning_content":"The user greets me."}'),
          lean('{"reasoning_content":" I should greet back."}'),
          text('Hi'),
          text(' there!'),
          finish('stop'),
          usageChunk(14, 22, 11),
        ) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(
          { content: ANSWER, reasoning: REASONING },
          'stop',
          EOS,
          14,
          22,
          11,
        ),
      ),
      expect: ok({
        text: ANSWER,
        reasoning: REASONING,
        usage: usage(14, 22, 11),
      }),
    },
    {
      name: 'tool call',
      streamed: http(
        200,
        SSE,
        sse(
          FIRST,
          ...weather(0, CALL_1),
          finish('tool_calls'),
          usageChunk(180, 21, 0),
        ) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(
          {
            content: '',
            calls: toolCall(0, CALL_1, 'get_weather', WEATHER_ARGS),
          },
          'tool_calls',
          'null',
          180,
          21,
          0,
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
          callName(1, CALL_2, 'get_time'),
          callArgs(1, '{"timezone": "'),
          callArgs(1, 'Europe/Paris'),
          // `_check_for_unstreamed_tool_args`: what the parser held back, before the finish chunk.
          callArgs(1, '"}'),
          finish('tool_calls'),
          usageChunk(190, 40, 0),
        ) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(
          {
            content: '',
            calls: `${toolCall(0, CALL_1, 'get_weather', WEATHER_ARGS)},${toolCall(1, CALL_2, 'get_time', TIME_ARGS)}`,
          },
          'tool_calls',
          'null',
          190,
          40,
          0,
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
      // With tools offered, plain text comes as pydantic chunks with "tool_calls":null.
      streamed: http(
        200,
        SSE,
        sse(
          FIRST,
          toolText('Let me check'),
          toolText(' the weather.'),
          ...weather(0, CALL_1),
          finish('tool_calls'),
          usageChunk(185, 30, 0),
        ) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(
          {
            content: PREFACE,
            calls: toolCall(0, CALL_1, 'get_weather', WEATHER_ARGS),
          },
          'tool_calls',
          'null',
          185,
          30,
          0,
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
        sse(FIRST, ...textChunks, finish('stop'), usageChunk(25, 7, 0)) + DONE,
      ),
      streamedWithoutUsage: http(
        200,
        SSE,
        sse(FIRST, ...textChunks, finish('stop')) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion({ content: TEXT }, 'stop', EOS, 25, 7, 0),
      ),
      expect: ok({ text: TEXT, usage: usage(25, 7) }),
    },
    {
      name: 'error before streaming',
      streamed: http(400, JSON_TYPE, BAD_REQUEST),
      nonStreamed: http(400, JSON_TYPE, BAD_REQUEST),
      expect: failure(400, undefined, 'Tools cannot be empty'),
    },
    {
      name: 'context overflow',
      streamed: http(400, JSON_TYPE, TOO_LONG),
      nonStreamed: http(400, JSON_TYPE, TOO_LONG),
      expect: failure(400, 'context_length_exceeded'),
    },
  ],
};
