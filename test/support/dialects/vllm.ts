/**
 * vLLM (current), `vllm serve Qwen/Qwen3-8B --reasoning-parser qwen3
 * --enable-auto-tool-choice --tool-call-parser hermes`.
 *
 * Read (vllm-project/vllm):
 * - vllm/entrypoints/openai/chat_completion/serving.py @006c49d485f9: every chunk is
 *   `model_dump_json(exclude_unset=True)`, so the None values the code passes
 *   explicitly stay as `null` (`logprobs`, `finish_reason`, `token_ids`, and
 *   `prompt_token_ids`/`prompt_text` on the first chunk); the usage chunk is
 *   `exclude_unset + exclude_none` with `choices: []`; non-streamed bodies are
 *   a full `model_dump()` through Starlette's JSONResponse (no spaces).
 * - vllm/entrypoints/openai/chat_completion/protocol.py @002032ee2b18: field order of
 *   ChatMessage (`reasoning` last, empty `tool_calls` dropped), choices, responses.
 * - vllm/entrypoints/generate/base/protocol.py @022e555dbb75: DeltaMessage
 *   (role, content, reasoning, tool_calls) and DeltaToolCall (id, type, index, function).
 * - vllm/entrypoints/serve/engine/protocol.py @f1bf7bd07a11: UsageInfo order
 *   (prompt, total, completion, details) and ErrorInfo with a numeric `code`.
 * - vllm/entrypoints/serve/engine/serving.py @4b5c627c23e6: unknown model, 404.
 * - vllm/entrypoints/serve/utils/error_response.py @1c6ebf2c6b4f,
 *   vllm/renderers/params.py @017638d70159, VLLMValidationError.__str__: the
 *   prompt-too-long message with its "(parameter=…, value=…)" tail, 400.
 * - chat_utils.make_tool_call_id: ids are `chatcmpl-tool-` + 32 hex.
 */
import {
  DONE,
  PREFACE,
  REASONING,
  TEXT,
  ANSWER,
  failure,
  http,
  ok,
  sse,
  usage,
  type Backend,
  type DialectScenario,
} from './types.js';

const SSE = 'text/event-stream; charset=utf-8';
const JSON_TYPE = 'application/json';
const ID = 'chatcmpl-5b8e6f2a9c3d4e1f8a7b6c5d4e3f2a1b';
const HEAD = `"id":"${ID}","object":"chat.completion.chunk","created":1785000000,"model":"Qwen/Qwen3-8B"`;
const CALL_1 = 'chatcmpl-tool-8c1f3a5e7b9d4f2a6c8e0b1d3f5a7c9e';
const CALL_2 = 'chatcmpl-tool-2d4f6a8c0e1b3d5f7a9c1e3b5d7f9a0c';
const q = JSON.stringify;

/** The first chunk: role + empty content, with the two None fields passed explicitly. */
const FIRST = `{${HEAD},"choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"prompt_token_ids":null,"prompt_text":null}`;

const delta = (d: string): string =>
  `{${HEAD},"choices":[{"index":0,"delta":${d},"logprobs":null,"finish_reason":null,"token_ids":null}]}`;

const finish = (d: string, reason: string): string =>
  `{${HEAD},"choices":[{"index":0,"delta":${d},"logprobs":null,"finish_reason":"${reason}","stop_reason":null,"token_ids":null}]}`;

const usageChunk = (p: number, c: number, r: number): string =>
  `{${HEAD},"choices":[],"usage":{"prompt_tokens":${p},"total_tokens":${p + c},"completion_tokens":${c},"completion_tokens_details":{"reasoning_tokens":${r}}}}`;

const text = (t: string): string => delta(`{"content":${q(t)}}`);

/** The parser's first delta of a call: id, type, index, name, and no `arguments` key. */
const callHead = (index: number, id: string, name: string): string =>
  delta(
    `{"tool_calls":[{"id":"${id}","type":"function","index":${index},"function":{"name":"${name}"}}]}`,
  );

const callArgs = (index: number, fragment: string): string =>
  delta(
    `{"tool_calls":[{"index":${index},"function":{"arguments":${q(fragment)}}}]}`,
  );

function completion(
  message: { content: string | null; reasoning?: string; calls?: string },
  reason: string,
  p: number,
  c: number,
  r: number,
): string {
  const calls =
    message.calls === undefined ? '' : `"tool_calls":[${message.calls}],`;
  const reasoning =
    message.reasoning === undefined ? 'null' : q(message.reasoning);
  return `{"id":"${ID}","object":"chat.completion","created":1785000000,"model":"Qwen/Qwen3-8B","choices":[{"index":0,"message":{"role":"assistant","content":${message.content === null ? 'null' : q(message.content)},"refusal":null,"annotations":null,"audio":null,"function_call":null,${calls}"reasoning":${reasoning}},"logprobs":null,"finish_reason":"${reason}","stop_reason":null,"token_ids":null,"routed_experts":null}],"service_tier":null,"system_fingerprint":null,"usage":{"prompt_tokens":${p},"total_tokens":${p + c},"completion_tokens":${c},"prompt_tokens_details":null,"completion_tokens_details":{"reasoning_tokens":${r}}},"prompt_logprobs":null,"prompt_token_ids":null,"prompt_text":null,"kv_transfer_params":null,"ec_transfer_params":null,"metrics":null}`;
}

/** A non-streamed tool call: ToolCall is id, type, function (FunctionCall.id is excluded). */
const toolCall = (id: string, name: string, args: string): string =>
  `{"id":"${id}","type":"function","function":{"name":"${name}","arguments":${q(args)}}}`;

const WEATHER_ARGS = '{"city": "Paris"}';
const TIME_ARGS = '{"timezone": "Europe/Paris"}';

const weatherDeltas = (index: number, id: string): string[] => [
  callHead(index, id, 'get_weather'),
  callArgs(index, '{"city": "'),
  callArgs(index, 'Paris'),
  callArgs(index, '"}'),
];

const timeDeltas = (index: number, id: string): string[] => [
  callHead(index, id, 'get_time'),
  callArgs(index, '{"timezone": "'),
  callArgs(index, 'Europe/Paris'),
  callArgs(index, '"}'),
];

const textChunks = [text('Hello'), text('! How'), text(' can I help?')];

const error = (status: number, body: string): DialectScenario['streamed'] =>
  http(status, JSON_TYPE, body);

const NOT_FOUND =
  '{"error":{"message":"The model `gpt-4o-mini` does not exist.","type":"NotFoundError","param":"model","code":404}}';

const TOO_LONG =
  '{"error":{"message":"You passed 40000 input tokens and requested 1024 output tokens. However, the model\'s context length is only 32768 tokens, resulting in a maximum input length of 31744 tokens. Please reduce the length of the input prompt. (parameter=input_tokens, value=40000)","type":"BadRequestError","param":"input_tokens","code":400}}';

export const vllm: Backend = {
  name: 'vLLM',
  sources: [
    'vllm-project/vllm vllm/entrypoints/openai/chat_completion/serving.py @006c49d485f9',
    'vllm-project/vllm vllm/entrypoints/openai/chat_completion/protocol.py @002032ee2b18',
    'vllm-project/vllm vllm/entrypoints/generate/base/protocol.py @022e555dbb75',
    'vllm-project/vllm vllm/entrypoints/serve/engine/protocol.py @f1bf7bd07a11',
    'vllm-project/vllm vllm/entrypoints/serve/engine/serving.py @4b5c627c23e6',
    'vllm-project/vllm vllm/entrypoints/serve/utils/error_response.py @1c6ebf2c6b4f',
    'vllm-project/vllm vllm/renderers/params.py @017638d70159',
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
          usageChunk(12, 7, 0),
        ) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion({ content: TEXT }, 'stop', 12, 7, 0),
      ),
      expect: ok({ text: TEXT, usage: usage(12, 7) }),
    },
    {
      name: 'reasoning',
      // The delta that closes </think> passes content=None explicitly: `"content":null`.
      streamed: http(
        200,
        SSE,
        sse(
          FIRST,
          delta('{"reasoning":"The user greets me."}'),
          delta('{"content":null,"reasoning":" I should greet back."}'),
          text('Hi'),
          text(' there!'),
          finish('{"content":""}', 'stop'),
          usageChunk(14, 22, 11),
        ) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(
          { content: ANSWER, reasoning: REASONING },
          'stop',
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
          ...weatherDeltas(0, CALL_1),
          finish('{}', 'tool_calls'),
          usageChunk(180, 21, 0),
        ) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(
          {
            content: null,
            calls: toolCall(CALL_1, 'get_weather', WEATHER_ARGS),
          },
          'tool_calls',
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
          ...weatherDeltas(0, CALL_1),
          ...timeDeltas(1, CALL_2),
          finish('{}', 'tool_calls'),
          usageChunk(190, 40, 0),
        ) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion(
          {
            content: null,
            calls: `${toolCall(CALL_1, 'get_weather', WEATHER_ARGS)},${toolCall(CALL_2, 'get_time', TIME_ARGS)}`,
          },
          'tool_calls',
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
      streamed: http(
        200,
        SSE,
        sse(
          FIRST,
          text('Let me check'),
          text(' the weather.'),
          ...weatherDeltas(0, CALL_1),
          finish('{}', 'tool_calls'),
          usageChunk(185, 30, 0),
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
        sse(
          FIRST,
          ...textChunks,
          finish('{"content":""}', 'stop'),
          usageChunk(25, 7, 0),
        ) + DONE,
      ),
      // Without include_usage there is no usage chunk at all.
      streamedWithoutUsage: http(
        200,
        SSE,
        sse(FIRST, ...textChunks, finish('{"content":""}', 'stop')) + DONE,
      ),
      nonStreamed: http(
        200,
        JSON_TYPE,
        completion({ content: TEXT }, 'stop', 25, 7, 0),
      ),
      expect: ok({ text: TEXT, usage: usage(25, 7) }),
    },
    {
      name: 'error before streaming',
      streamed: error(404, NOT_FOUND),
      nonStreamed: error(404, NOT_FOUND),
      expect: failure(404, undefined, 'does not exist'),
    },
    {
      name: 'context overflow',
      streamed: error(400, TOO_LONG),
      nonStreamed: error(400, TOO_LONG),
      expect: failure(400, 'context_length_exceeded'),
    },
  ],
};
