/**
 * Ollama before February 2026 (ollama/ollama @cc90a035a0cc^, before
 * ollama#14484 "stable tool call indexing"), with a qwen3-coder / glm model.
 *
 * Read: model/parsers/qwen3coder.go before cc90a035 (calls carry no index, so
 * `Function.Index` stays 0), openai/openai.go and middleware/openai.go at
 * cc90a035^ (one `ToChunk` per response: a response with thinking and content
 * is NOT split, role on every chunk). Every parallel call says `"index":0`,
 * streamed and not: a client merging deltas by index glues two calls into
 * one; they must be split by id.
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

const d = (content: string, extra = ''): string =>
  `{"role":"assistant","content":${goq(content)}${extra}}`;
const text = (t: string): string => chunk(d(t));
const calls = (...list: string[]): string =>
  chunk(d('', `,"tool_calls":[${list.join(',')}]`));
const done = (reason: string): string => chunk(d(''), reason);

// Both calls at index 0.
const weather = toolCall(CALL_1, 0, 'get_weather', WEATHER_ARGS);
const time = toolCall(CALL_2, 0, 'get_time', TIME_ARGS);
const textChunks = TEXT_PIECES.map(text);

export const ollamaIndex0: Backend = {
  name: 'Ollama (index 0)',
  sources: [
    'ollama/ollama model/parsers/qwen3coder.go @cc90a035a0cc^',
    'ollama/ollama openai/openai.go @cc90a035a0cc^',
    'ollama/ollama middleware/openai.go @cc90a035a0cc^',
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
          chunk(d('', ',"reasoning":"The user greets me."')),
          // Not split yet: the last thinking and the first content in one delta.
          chunk(d('Hi', ',"reasoning":" I should greet back."')),
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
