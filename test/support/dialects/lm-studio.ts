/**
 * LM Studio (closed source): bytes reconstructed from its own documentation
 * and bug tracker, so this file is the least certain of the corpus.
 *
 * Read:
 * - lmstudio-ai/docs 1_developer/3_openai-compat/tools.md @15a12999fce7 (the
 *   doc names tools.mdx @2e643a41): a non-streamed tool-call message has NO
 *   `content` key; choices are index, logprobs, finish_reason, message;
 *   `system_fingerprint` (the model id) comes after usage; tool-call ids are
 *   9-digit numbers; streamed, the first tool delta has id, type, name and
 *   `arguments:""`, later ones only index and argument pieces.
 * - lmstudio-ai/lmstudio-bug-tracker #2322 (0.4.21): a prompt longer than the
 *   context answers HTTP 200 and then an `event: error` frame; #830 and
 *   Gitlawb/openclaude#353: other errors are HTTP 400 `{"error":"<string>"}`.
 * - The reasoning scenario is a Qwen3 model with the default settings: the
 *   `<think>` block stays in `content` (no separate reasoning field).
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
const ID = 'chatcmpl-gb1t1uqzefudice8ntxd9i';
const MODEL = 'qwen/qwen3-8b';
const HEAD = `"id":"${ID}","object":"chat.completion.chunk","created":1789000000,"model":"${MODEL}","system_fingerprint":"${MODEL}"`;
const CALL_1 = '365174485';
const CALL_2 = '814890118';
const q = JSON.stringify;

const chunk = (delta: string, reason: string | null = null): string =>
  `{${HEAD},"choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${reason === null ? 'null' : `"${reason}"`}}]}`;

const text = (t: string, first = false): string =>
  chunk(`{${first ? '"role":"assistant",' : ''}"content":${q(t)}}`);
const callHead = (
  index: number,
  id: string,
  name: string,
  first = false,
): string =>
  chunk(
    `{${first ? '"role":"assistant",' : ''}"tool_calls":[{"index":${index},"id":"${id}","type":"function","function":{"name":"${name}","arguments":""}}]}`,
  );
const callArgs = (index: number, piece: string): string =>
  chunk(
    `{"tool_calls":[{"index":${index},"function":{"arguments":${q(piece)}}}]}`,
  );
const finish = (reason: string): string => chunk('{}', reason);
const usageChunk = (p: number, c: number): string =>
  `{${HEAD},"choices":[],"usage":{"prompt_tokens":${p},"completion_tokens":${c},"total_tokens":${p + c}}}`;

function completion(
  message: string,
  reason: string,
  p: number,
  c: number,
): string {
  return `{"id":"${ID}","object":"chat.completion","created":1789000000,"model":"${MODEL}","choices":[{"index":0,"logprobs":null,"finish_reason":"${reason}","message":${message}}],"usage":{"prompt_tokens":${p},"completion_tokens":${c},"total_tokens":${p + c}},"system_fingerprint":"${MODEL}"}`;
}

const toolCall = (id: string, name: string, args: string): string =>
  `{"id":"${id}","type":"function","function":{"name":"${name}","arguments":${q(args)}}}`;

const WEATHER_ARGS = '{"city":"Paris"}';
const TIME_ARGS = '{"timezone":"Europe/Paris"}';

/** The argument pieces as the docs show them: `{"`, key, `":"`, value, `"}`. */
const args = (index: number, key: string, value: string): string[] => [
  callArgs(index, '{"'),
  callArgs(index, key),
  callArgs(index, '":"'),
  callArgs(index, value),
  callArgs(index, '"}'),
];

const textChunks = [text('Hello', true), text('! How'), text(' can I help?')];
const THINKING = `<think>${REASONING}</think>${ANSWER}`;

const BAD_REQUEST = `{"error":"Invalid 'messages' in payload. Please check the structure of your 'messages' and try again"}`;
const TOO_LONG_MESSAGE =
  'The number of tokens to keep from the initial prompt is greater than the context length (n_keep: 40000>= n_ctx: 32768). Try to load the model with a larger context length, or provide a shorter input.';
const STREAMED_TOO_LONG =
  'Input does not fit in context length (40000 > 32768 tokens).';

export const lmStudio: Backend = {
  name: 'LM Studio',
  sources: [
    'lmstudio-ai/docs 1_developer/3_openai-compat/tools.md @15a12999fce7',
    'lmstudio-ai/lmstudio-bug-tracker issues #2322, #830; Gitlawb/openclaude#353',
  ],
  scenarios: [
    {
      name: 'text',
      streamed: http(
        200,
        SSE,
        sse(...textChunks, finish('stop'), usageChunk(12, 7)) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(`{"role":"assistant","content":${q(TEXT)}}`, 'stop', 12, 7),
      ),
      expect: ok({ text: TEXT, usage: usage(12, 7) }),
    },
    {
      name: 'reasoning',
      streamed: http(
        200,
        SSE,
        sse(
          text('<think>', true),
          text('The user greets me.'),
          text(' I should greet back.'),
          text('</think>'),
          text('Hi'),
          text(' there!'),
          finish('stop'),
          usageChunk(14, 22),
        ) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(
          `{"role":"assistant","content":${q(THINKING)}}`,
          'stop',
          14,
          22,
        ),
      ),
      expect: ok({
        text: ANSWER,
        chatText: THINKING,
        reasoning: REASONING,
        usage: usage(14, 22),
      }),
    },
    {
      name: 'tool call',
      streamed: http(
        200,
        SSE,
        sse(
          callHead(0, CALL_1, 'get_weather', true),
          ...args(0, 'city', 'Paris'),
          finish('tool_calls'),
          usageChunk(180, 21),
        ) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(
          `{"role":"assistant","tool_calls":[${toolCall(CALL_1, 'get_weather', WEATHER_ARGS)}]}`,
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
          callHead(0, CALL_1, 'get_weather', true),
          ...args(0, 'city', 'Paris'),
          callHead(1, CALL_2, 'get_time'),
          ...args(1, 'timezone', 'Europe/Paris'),
          finish('tool_calls'),
          usageChunk(190, 40),
        ) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(
          `{"role":"assistant","tool_calls":[${toolCall(CALL_1, 'get_weather', WEATHER_ARGS)},${toolCall(CALL_2, 'get_time', TIME_ARGS)}]}`,
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
          text('Let me check', true),
          text(' the weather.'),
          callHead(0, CALL_1, 'get_weather'),
          ...args(0, 'city', 'Paris'),
          finish('tool_calls'),
          usageChunk(185, 30),
        ) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(
          `{"role":"assistant","content":${q(PREFACE)},"tool_calls":[${toolCall(CALL_1, 'get_weather', WEATHER_ARGS)}]}`,
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
        sse(...textChunks, finish('stop'), usageChunk(25, 7)) + DONE,
      ),
      streamedWithoutUsage: http(
        200,
        SSE,
        sse(...textChunks, finish('stop')) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(`{"role":"assistant","content":${q(TEXT)}}`, 'stop', 25, 7),
      ),
      expect: ok({ text: TEXT, usage: usage(25, 7) }),
    },
    {
      name: 'error before streaming',
      streamed: http(400, JSON_TYPE, BAD_REQUEST),
      nonStreamed: http(400, JSON_TYPE, BAD_REQUEST),
      expect: failure(400, undefined, "Invalid 'messages' in payload"),
    },
    {
      name: 'context overflow',
      // Streamed: HTTP 200, then one `event: error` frame, and nothing else.
      streamed: http(
        200,
        SSE,
        `event: error\ndata: {"error":{"message":${q(STREAMED_TOO_LONG)}},"message":${q(STREAMED_TOO_LONG)}}\n\n`,
      ),
      nonStreamed: http(400, JSON_TYPE, `{"error":${q(TOO_LONG_MESSAGE)}}`),
      expect: failure(400, 'context_length_exceeded'),
    },
  ],
};
