/**
 * SGLang before the serving_chat.py rewrite (openai_api/adapter.py, spring
 * 2025), `--reasoning-parser qwen3 --tool-call-parser qwen25`.
 *
 * Read (sgl-project/sglang):
 * - python/sglang/srt/openai_api/adapter.py @00347ba8216f, v1_chat_completions:
 *   every chunk is a full pydantic `model_dump_json()` (all delta fields, null
 *   when unset, and `"usage":null`); only the FIRST tool call of a stream gets
 *   an id (`tool_call_first`), `call_` + urlsafe base64 of a uuid; with
 *   include_usage, finish_reason and usage ride on one last chunk whose delta
 *   is all nulls, while the last text chunk already carries `matched_stop`;
 *   without it, the last text chunk says "stop" and the last chunk says it
 *   again. A ValueError of the tokenizer manager (prompt too long) inside the
 *   stream becomes `data: {"error": …}` after the HTTP 200, written by
 *   json.dumps (with spaces). `create_error_response("Invalid request body,
 *   error: ", str(e))` puts the JSON error in `type`.
 * - python/sglang/srt/openai_api/protocol.py @00347ba8216f: field order, flat
 *   ErrorResponse, UsageInfo without reasoning tokens.
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
const ID = '8a1f4c7e2b9d4e3fa6c5b8d7e0f1a2b3';
const HEAD = `"id":"${ID}","object":"chat.completion.chunk","created":1745000000,"model":"Qwen/Qwen3-8B"`;
const CALL_1 = 'call_Zk3xQ9mB2pL7vN4rT8wYcA';
const EOS = '151645';
const q = JSON.stringify;

const delta = (fields: {
  role?: string;
  content?: string;
  reasoning?: string;
  calls?: string;
}): string =>
  `{"role":${fields.role === undefined ? 'null' : q(fields.role)},"content":${fields.content === undefined ? 'null' : q(fields.content)},"reasoning_content":${fields.reasoning === undefined ? 'null' : q(fields.reasoning)},"tool_calls":${fields.calls ?? 'null'}}`;

const chunk = (
  d: string,
  reason = 'null',
  matched = 'null',
  use = 'null',
): string =>
  `{${HEAD},"choices":[{"index":0,"delta":${d},"logprobs":null,"finish_reason":${reason},"matched_stop":${matched}}],"usage":${use}}`;

const usageJson = (p: number, c: number): string =>
  `{"prompt_tokens":${p},"total_tokens":${p + c},"completion_tokens":${c},"prompt_tokens_details":null}`;

const FIRST = chunk(delta({ role: 'assistant' }));
const text = (t: string, matched = 'null'): string =>
  chunk(delta({ content: t }), 'null', matched);
/** The last chunk with include_usage: all-null delta, finish_reason, usage. */
const last = (reason: string, p: number, c: number): string =>
  chunk(delta({}), `"${reason}"`, 'null', usageJson(p, c));

const call = (
  index: number,
  id: string | null,
  name: string | null,
  args: string,
): string =>
  chunk(
    delta({
      calls: `[{"id":${id === null ? 'null' : `"${id}"`},"index":${index},"type":"function","function":{"name":${name === null ? 'null' : `"${name}"`},"arguments":${q(args)}}}]`,
    }),
  );

function completion(
  message: { content: string | null; reasoning?: string; calls?: string },
  reason: string,
  matched: string,
  p: number,
  c: number,
): string {
  return `{"id":"${ID}","object":"chat.completion","created":1745000000,"model":"Qwen/Qwen3-8B","choices":[{"index":0,"message":{"role":"assistant","content":${message.content === null ? 'null' : q(message.content)},"reasoning_content":${message.reasoning === undefined ? 'null' : q(message.reasoning)},"tool_calls":${message.calls === undefined ? 'null' : `[${message.calls}]`}},"logprobs":null,"finish_reason":"${reason}","matched_stop":${matched}}],"usage":${usageJson(p, c)}}`;
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

const weather = (index: number, id: string | null): string[] => [
  call(index, id, 'get_weather', ''),
  call(index, null, null, '{"city": "'),
  call(index, null, null, 'Paris"}'),
];

/** The last text chunk already knows the stop token. */
const textChunks = [text('Hello'), text('! How'), text(' can I help?', EOS)];

const INVALID_BODY =
  '{"object":"error","message":"Invalid request body, error: ","type":"Expecting value: line 1 column 1 (char 0)","param":null,"code":400}';

const TOO_LONG_MESSAGE =
  "The input (40000 tokens) is longer than the model's context length (32768 tokens).";

export const sglangOld: Backend = {
  name: 'SGLang (adapter.py)',
  sources: [
    'sgl-project/sglang python/sglang/srt/openai_api/adapter.py @00347ba8216f',
    'sgl-project/sglang python/sglang/srt/openai_api/protocol.py @00347ba8216f',
  ],
  scenarios: [
    {
      name: 'text',
      streamed: http(
        200,
        SSE,
        sse(FIRST, ...textChunks, last('stop', 12, 7)) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion({ content: TEXT }, 'stop', EOS, 12, 7),
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
          chunk(delta({ reasoning: 'The user greets me.' })),
          chunk(delta({ reasoning: ' I should greet back.' })),
          text('Hi'),
          text(' there!', EOS),
          last('stop', 14, 22),
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
        ),
      ),
      expect: ok({ text: ANSWER, reasoning: REASONING, usage: usage(14, 22) }),
    },
    {
      name: 'tool call',
      streamed: http(
        200,
        SSE,
        sse(FIRST, ...weather(0, CALL_1), last('tool_calls', 180, 21)) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(
          {
            content: null,
            calls: toolCall(0, CALL_1, 'get_weather', WEATHER_ARGS),
          },
          'tool_calls',
          'null',
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
      // The second call's name chunk has "id":null: the gateway must give it an id.
      streamed: http(
        200,
        SSE,
        sse(
          FIRST,
          ...weather(0, CALL_1),
          call(1, null, 'get_time', ''),
          call(1, null, null, '{"timezone": "'),
          call(1, null, null, 'Europe/Paris"}'),
          last('tool_calls', 190, 40),
        ) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(
          {
            content: null,
            calls: `${toolCall(0, CALL_1, 'get_weather', WEATHER_ARGS)},${toolCall(1, 'call_pW5nR2kE8sD1fG6hJ3lQ0A', 'get_time', TIME_ARGS)}`,
          },
          'tool_calls',
          'null',
          190,
          40,
        ),
      ),
      expect: ok({
        text: '',
        calls: [
          { id: CALL_1, name: 'get_weather', arguments: WEATHER_ARGS },
          { name: 'get_time', arguments: TIME_ARGS },
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
          last('tool_calls', 185, 30),
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
        sse(FIRST, ...textChunks, last('stop', 25, 7)) + DONE,
      ),
      // Not asked: the last text chunk finishes, then the "usage chunk" finishes again, usage null.
      streamedWithoutUsage: http(
        200,
        SSE,
        sse(
          FIRST,
          text('Hello'),
          text('! How'),
          chunk(delta({ content: ' can I help?' }), '"stop"', EOS),
          chunk(delta({}), '"stop"'),
        ) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion({ content: TEXT }, 'stop', EOS, 25, 7),
      ),
      expect: ok({ text: TEXT, usage: usage(25, 7) }),
    },
    {
      name: 'error before streaming',
      streamed: http(400, JSON_TYPE, INVALID_BODY),
      nonStreamed: http(400, JSON_TYPE, INVALID_BODY),
      expect: failure(400, undefined, 'Invalid request body'),
    },
    {
      name: 'context overflow',
      // Streamed: HTTP 200, then the error as a data line, then [DONE].
      streamed: http(
        200,
        SSE,
        `data: {"error": {"object": "error", "message": ${q(TOO_LONG_MESSAGE)}, "type": "BadRequestError", "param": null, "code": 400}}\n\n` +
          DONE,
      ),
      nonStreamed: http(
        400,
        JSON_TYPE,
        `{"object":"error","message":${q(TOO_LONG_MESSAGE)},"type":"BadRequestError","param":null,"code":400}`,
      ),
      expect: failure(400, 'context_length_exceeded'),
    },
  ],
};
