/**
 * Ollama until August 2026 (ollama/ollama @8d8c701d6a8a, before ollama#17485),
 * `ollama serve` with qwen3:8b.
 *
 * Read: openai/openai.go (toChunk, ToChunks, ToChatCompletion) and
 * middleware/openai.go (ChatWriter.writeResponse) at that commit, plus
 * ollama-wire.ts for what all releases share. What differs from OpenAI:
 * `"role":"assistant"` and `"content"` on every chunk; finish_reason on a last
 * `{"role":"assistant","content":""}` chunk; a response with both thinking
 * and content is split in two chunks; tool calls arrive whole, all in one
 * chunk (stable indexes since ollama#14484); with include_usage the usage
 * chunk is a copy of the last chunk with `choices: []`.
 */
import {
  CALL_1,
  CALL_2,
  NOT_FOUND,
  OLLAMA_TEXT,
  SSE,
  TEXT_PIECES,
  TIME_ARGS,
  TOO_LONG,
  WEATHER_ARGS,
  chunk,
  completion,
  goq,
  toolCall,
  usageChunk,
} from './ollama-wire.js';
import {
  ANSWER,
  DONE,
  PREFACE,
  REASONING,
  failure,
  http,
  ok,
  sse,
  usage,
  type Backend,
} from './types.js';

/** Every delta repeats the role and always has content. */
const d = (content: string, extra = ''): string =>
  `{"role":"assistant","content":${goq(content)}${extra}}`;
const text = (t: string): string => chunk(d(t));
const thinking = (t: string): string => chunk(d('', `,"reasoning":${goq(t)}`));
const calls = (...list: string[]): string =>
  chunk(d('', `,"tool_calls":[${list.join(',')}]`));
const done = (reason: string): string => chunk(d(''), reason);

const weather = toolCall(CALL_1, 0, 'get_weather', WEATHER_ARGS);
const time = toolCall(CALL_2, 1, 'get_time', TIME_ARGS);
const textChunks = TEXT_PIECES.map(text);

export const ollama: Backend = {
  name: 'Ollama',
  sources: [
    'ollama/ollama openai/openai.go @8d8c701d6a8a',
    'ollama/ollama middleware/openai.go @8d8c701d6a8a',
    'ollama/ollama server/routes.go, llm/llama_server.go, api/types.go @fb3076099',
  ],
  scenarios: [
    {
      name: 'text',
      streamed: http(
        200,
        SSE,
        sse(...textChunks, done('stop'), usageChunk(12, 7)) + DONE,
      ),
      nonStreamed: completion({ content: OLLAMA_TEXT }, 'stop', 12, 7),
      expect: ok({ text: OLLAMA_TEXT, usage: usage(12, 7) }),
    },
    {
      name: 'reasoning',
      streamed: http(
        200,
        SSE,
        sse(
          thinking('The user greets me.'),
          // One Ollama response with thinking and content, split in two chunks.
          thinking(' I should greet back.'),
          text('Hi'),
          text(' there!'),
          done('stop'),
          usageChunk(14, 22),
        ) + DONE,
      ),
      nonStreamed: completion(
        { content: ANSWER, reasoning: REASONING },
        'stop',
        14,
        22,
      ),
      expect: ok({ text: ANSWER, reasoning: REASONING, usage: usage(14, 22) }),
    },
    {
      name: 'tool call',
      streamed: http(
        200,
        SSE,
        sse(calls(weather), done('tool_calls'), usageChunk(180, 21)) + DONE,
      ),
      nonStreamed: completion(
        { content: '', calls: weather },
        'tool_calls',
        180,
        21,
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
        sse(calls(weather, time), done('tool_calls'), usageChunk(190, 40)) +
          DONE,
      ),
      nonStreamed: completion(
        { content: '', calls: `${weather},${time}` },
        'tool_calls',
        190,
        40,
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
          text('Let me check'),
          text(' the weather.'),
          calls(weather),
          done('tool_calls'),
          usageChunk(185, 30),
        ) + DONE,
      ),
      nonStreamed: completion(
        { content: PREFACE, calls: weather },
        'tool_calls',
        185,
        30,
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
        sse(...textChunks, done('stop'), usageChunk(25, 7)) + DONE,
      ),
      streamedWithoutUsage: http(
        200,
        SSE,
        sse(...textChunks, done('stop')) + DONE,
      ),
      nonStreamed: completion({ content: OLLAMA_TEXT }, 'stop', 25, 7),
      expect: ok({ text: OLLAMA_TEXT, usage: usage(25, 7) }),
    },
    {
      name: 'error before streaming',
      streamed: NOT_FOUND,
      nonStreamed: NOT_FOUND,
      expect: failure(404, undefined, 'not found'),
    },
    {
      name: 'context overflow',
      streamed: TOO_LONG,
      nonStreamed: TOO_LONG,
      expect: failure(400, 'context_length_exceeded'),
    },
  ],
};
