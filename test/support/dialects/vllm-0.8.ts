/**
 * vLLM 0.8–0.10 (`vllm/entrypoints/openai/serving_chat.py`), same flags as
 * vllm.ts but before the `reasoning_content` → `reasoning` rename (vllm#33402).
 *
 * Read (vllm-project/vllm):
 * - vllm/entrypoints/openai/serving_chat.py @003fe5932dc9: chunks are
 *   `model_dump_json(exclude_unset=True)`; `token_ids=None` and, on the first
 *   chunk, `prompt_token_ids=None` are passed explicitly and so stay as null;
 *   when generation finishes, the arguments the hermes parser still held back
 *   ("remaining_call") ride on the finish_reason chunk, indexed at the last call.
 * - vllm/entrypoints/openai/protocol.py @0052bed36509: DeltaMessage (role,
 *   content, reasoning_content, tool_calls), ChatMessage (tool_calls before
 *   reasoning_content, and `[]` kept: no serializer drops it), UsageInfo without
 *   completion details, ErrorResponse `{"error":{…,"code":400}}`.
 * - serving_engine (same release): "This model's maximum context length is …
 *   However, your request has … input tokens. …" as a 400 BadRequestError.
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
const ID = 'chatcmpl-0e4a7c2b9f1d4b6a8c3e5f7a9b1d3c5e';
const HEAD = `"id":"${ID}","object":"chat.completion.chunk","created":1756000000,"model":"Qwen/Qwen3-8B"`;
const CALL_1 = 'chatcmpl-tool-4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b';
const CALL_2 = 'chatcmpl-tool-9e7c5a3b1d9f7e5c3a1b9d7f5e3c1a9b';
const q = JSON.stringify;

const FIRST = `{${HEAD},"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"prompt_token_ids":null}`;

const delta = (d: string): string =>
  `{${HEAD},"choices":[{"index":0,"delta":${d},"logprobs":null,"finish_reason":null,"token_ids":null}]}`;

const finish = (d: string, reason: string): string =>
  `{${HEAD},"choices":[{"index":0,"delta":${d},"logprobs":null,"finish_reason":"${reason}","stop_reason":null,"token_ids":null}]}`;

const usageChunk = (p: number, c: number): string =>
  `{${HEAD},"choices":[],"usage":{"prompt_tokens":${p},"total_tokens":${p + c},"completion_tokens":${c}}}`;

const text = (t: string): string => delta(`{"content":${q(t)}}`);

const callHead = (index: number, id: string, name: string): string =>
  delta(
    `{"tool_calls":[{"id":"${id}","type":"function","index":${index},"function":{"name":"${name}"}}]}`,
  );

const argsDelta = (index: number, fragment: string): string =>
  `{"tool_calls":[{"index":${index},"function":{"arguments":${q(fragment)}}}]}`;

const callArgs = (index: number, fragment: string): string =>
  delta(argsDelta(index, fragment));

function completion(
  content: string | null,
  calls: string,
  reasoning: string | null,
  reason: string,
  p: number,
  c: number,
): string {
  return `{"id":"${ID}","object":"chat.completion","created":1756000000,"model":"Qwen/Qwen3-8B","choices":[{"index":0,"message":{"role":"assistant","content":${content === null ? 'null' : q(content)},"refusal":null,"annotations":null,"audio":null,"function_call":null,"tool_calls":[${calls}],"reasoning_content":${reasoning === null ? 'null' : q(reasoning)}},"logprobs":null,"finish_reason":"${reason}","stop_reason":null,"token_ids":null}],"service_tier":null,"system_fingerprint":null,"usage":{"prompt_tokens":${p},"total_tokens":${p + c},"completion_tokens":${c},"prompt_tokens_details":null},"prompt_logprobs":null,"kv_transfer_params":null}`;
}

const toolCall = (id: string, name: string, args: string): string =>
  `{"id":"${id}","type":"function","function":{"name":"${name}","arguments":${q(args)}}}`;

const WEATHER_ARGS = '{"city": "Paris"}';
const TIME_ARGS = '{"timezone": "Europe/Paris"}';

/** All of a call but its last fragment, which the finish chunk carries. */
const weatherStart = (index: number, id: string): string[] => [
  callHead(index, id, 'get_weather'),
  callArgs(index, '{"city": "'),
  callArgs(index, 'Paris'),
];

const textChunks = [text('Hello'), text('! How'), text(' can I help?')];

const NOT_FOUND =
  '{"error":{"message":"The model `gpt-4o-mini` does not exist.","type":"NotFoundError","param":null,"code":404}}';

const TOO_LONG =
  '{"error":{"message":"This model\'s maximum context length is 32768 tokens. However, your request has 40000 input tokens. Please reduce the length of the input messages.","type":"BadRequestError","param":null,"code":400}}';

export const vllm08: Backend = {
  name: 'vLLM 0.8-0.10',
  sources: [
    'vllm-project/vllm vllm/entrypoints/openai/serving_chat.py @003fe5932dc9',
    'vllm-project/vllm vllm/entrypoints/openai/protocol.py @0052bed36509',
  ],
  scenarios: [
    {
      name: 'text',
      streamed: http(
        200,
        SSE,
        sse(
          FIRST,
          ...textChunks,
          finish('{"content":""}', 'stop'),
          usageChunk(12, 7),
        ) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(TEXT, '', null, 'stop', 12, 7),
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
          delta('{"reasoning_content":"The user greets me."}'),
          delta('{"content":null,"reasoning_content":" I should greet back."}'),
          text('Hi'),
          text(' there!'),
          finish('{"content":""}', 'stop'),
          usageChunk(14, 22),
        ) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(ANSWER, '', REASONING, 'stop', 14, 22),
      ),
      // This release reports no reasoning token count.
      expect: ok({ text: ANSWER, reasoning: REASONING, usage: usage(14, 22) }),
    },
    {
      name: 'tool call',
      streamed: http(
        200,
        SSE,
        sse(
          FIRST,
          ...weatherStart(0, CALL_1),
          finish(argsDelta(0, '"}'), 'tool_calls'),
          usageChunk(180, 21),
        ) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(
          null,
          toolCall(CALL_1, 'get_weather', WEATHER_ARGS),
          null,
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
          ...weatherStart(0, CALL_1),
          callArgs(0, '"}'),
          callHead(1, CALL_2, 'get_time'),
          callArgs(1, '{"timezone": "'),
          callArgs(1, 'Europe/Paris'),
          finish(argsDelta(1, '"}'), 'tool_calls'),
          usageChunk(190, 40),
        ) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(
          null,
          `${toolCall(CALL_1, 'get_weather', WEATHER_ARGS)},${toolCall(CALL_2, 'get_time', TIME_ARGS)}`,
          null,
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
          ...weatherStart(0, CALL_1),
          finish(argsDelta(0, '"}'), 'tool_calls'),
          usageChunk(185, 30),
        ) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(
          PREFACE,
          toolCall(CALL_1, 'get_weather', WEATHER_ARGS),
          null,
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
        sse(
          FIRST,
          ...textChunks,
          finish('{"content":""}', 'stop'),
          usageChunk(25, 7),
        ) + DONE,
      ),
      streamedWithoutUsage: http(
        200,
        SSE,
        sse(FIRST, ...textChunks, finish('{"content":""}', 'stop')) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(TEXT, '', null, 'stop', 25, 7),
      ),
      expect: ok({ text: TEXT, usage: usage(25, 7) }),
    },
    {
      name: 'error before streaming',
      streamed: http(404, JSON_TYPE, NOT_FOUND),
      nonStreamed: http(404, JSON_TYPE, NOT_FOUND),
      expect: failure(404, undefined, 'does not exist'),
    },
    {
      name: 'context overflow',
      streamed: http(400, JSON_TYPE, TOO_LONG),
      nonStreamed: http(400, JSON_TYPE, TOO_LONG),
      expect: failure(400, 'context_length_exceeded'),
    },
  ],
};
