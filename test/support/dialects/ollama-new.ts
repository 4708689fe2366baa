/**
 * Ollama after ollama#17485 (ollama/ollama @fb3076099, "match openai's
 * streaming wire format"): `role` only on the first chunk, Delta fields all
 * omitempty except that a string content is kept even when "" (it is `any`),
 * a reasoning/content split whose reasoning half has no content key, the
 * empty done trailer skipped, finish_reason on its own `delta:{}` chunk,
 * then the usage chunk.
 *
 * Read: openai/openai.go (Delta, toChunk, ToStreamChunks, FinishChunk,
 * ToChatCompletion) and middleware/openai.go (ChatWriter.writeResponse) at
 * fb3076099, plus `git show 8edecb5c6` (#17485) for what changed.
 */
import {
  CALL_1,
  CALL_2,
  NOT_FOUND,
  OLLAMA_TEXT,
  SSE,
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

const text = (t: string, first = false): string =>
  chunk(`{${first ? '"role":"assistant",' : ''}"content":${goq(t)}}`);
const finish = (reason: string): string => chunk('{}', reason);
const firstCalls = (...list: string[]): string =>
  chunk(`{"role":"assistant","content":"","tool_calls":[${list.join(',')}]}`);
const laterCalls = (...list: string[]): string =>
  chunk(`{"content":"","tool_calls":[${list.join(',')}]}`);

const weather = toolCall(CALL_1, 0, 'get_weather', WEATHER_ARGS);
const time = toolCall(CALL_2, 1, 'get_time', TIME_ARGS);
const textChunks = [text('Hello', true), text('! Tea & cake'), text('?')];

export const ollamaNew: Backend = {
  name: 'Ollama (after #17485)',
  sources: [
    'ollama/ollama openai/openai.go @fb3076099',
    'ollama/ollama middleware/openai.go @fb3076099',
    'ollama/ollama commit 8edecb5c6 (#17485)',
  ],
  scenarios: [
    {
      name: 'text',
      streamed: http(
        200,
        SSE,
        sse(...textChunks, finish('stop'), usageChunk(12, 7)) + DONE,
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
          chunk(
            '{"role":"assistant","content":"","reasoning":"The user greets me."}',
          ),
          // The split: the reasoning half has content nil (omitted).
          chunk('{"reasoning":" I should greet back."}'),
          text('Hi'),
          text(' there!'),
          finish('stop'),
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
        sse(firstCalls(weather), finish('tool_calls'), usageChunk(180, 21)) +
          DONE,
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
        sse(
          firstCalls(weather, time),
          finish('tool_calls'),
          usageChunk(190, 40),
        ) + DONE,
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
          text('Let me check', true),
          text(' the weather.'),
          laterCalls(weather),
          finish('tool_calls'),
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
        sse(...textChunks, finish('stop'), usageChunk(25, 7)) + DONE,
      ),
      streamedWithoutUsage: http(
        200,
        SSE,
        sse(...textChunks, finish('stop')) + DONE,
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
