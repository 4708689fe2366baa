import fc from 'fast-check';
import { isRecord } from '../../common/is-record.js';
import { chunk, usageChunk } from '../../../test/support/chat-chunks.js';
import { toolUseIdOf } from '../../../test/support/messages-sdk.js';
import type { AnthropicOutputBlock } from '../../protocol/anthropic-messages.types.js';
import type { ChatCompletionChunk } from '../../protocol/chat-completion.types.js';
import type { ThinkingSignature } from '../core/thinking-signature.js';

/** An answer as a model streams it, each text cut into random pieces. */
export interface ChunkAnswer {
  reasoningField: 'reasoning_content' | 'reasoning';
  reasoning: string[];
  content: string[];
  calls: { name: string; arguments: string[] }[];
  /** Which call's next delta comes next, round after round (interleaving). */
  schedule: number[];
  /** Text after the calls. */
  trailing: string[];
  finish: string | null;
  stopString: string | undefined;
  usage: { prompt: number; completion: number; cached: number } | undefined;
}

/** `text` cut at `cuts` (positions taken modulo its length). */
function cut(text: string, cuts: number[]): string[] {
  const points = [
    ...new Set(cuts.map((point) => point % (text.length + 1))),
  ].sort((a, b) => a - b);
  return [0, ...points]
    .map((start, i) => text.slice(start, points[i] ?? text.length))
    .filter((piece) => piece !== '');
}

const pieces = (text: fc.Arbitrary<string>) =>
  fc
    .tuple(text, fc.array(fc.nat(), { maxLength: 4 }))
    .map(([whole, cuts]) => cut(whole, cuts));

const prose = fc.string({ unit: 'grapheme', maxLength: 24 });

const objectJson = fc
  .dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), {
    maxKeys: 4,
  })
  .map((input) => JSON.stringify(input));

/** Arguments as open models write them: JSON objects, and broken ones. */
const argumentsJson = fc.oneof(
  fc.constant(''),
  objectJson,
  objectJson,
  fc.constantFrom(' ', '\n\t'),
  // Truncated (the model ran out of tokens).
  fc
    .tuple(objectJson, fc.nat())
    .map(([json, end]) => json.slice(0, 1 + (end % json.length))),
  // Single quotes.
  objectJson.map((json) => json.replaceAll('"', "'")),
  // Trailing text after the object.
  fc.tuple(objectJson, prose).map(([json, text]) => json + text),
  // JSON, but no object.
  fc
    .jsonValue({ maxDepth: 2 })
    .filter((value) => !isRecord(value))
    .map((value) => JSON.stringify(value)),
);

const toolCall = fc.record({
  name: fc.stringMatching(/^[a-z_]{1,12}$/),
  arguments: argumentsJson.chain((json) => pieces(fc.constant(json))),
});

export const chunkAnswers: fc.Arbitrary<ChunkAnswer> = fc.record({
  reasoningField: fc.constantFrom('reasoning_content', 'reasoning'),
  reasoning: pieces(prose),
  // A `<think>` at the start would be split off: not what this answer is.
  content: pieces(prose.filter((text) => !text.trimStart().startsWith('<'))),
  calls: fc.array(toolCall, { maxLength: 3 }),
  schedule: fc.array(fc.nat(), { maxLength: 30 }),
  trailing: pieces(prose),
  finish: fc.constantFrom(
    'stop',
    'length',
    'tool_calls',
    'content_filter',
    null,
  ),
  stopString: fc.constantFrom(undefined, 'END', 'OTHER'),
  usage: fc.option(
    fc
      .record({
        prompt: fc.nat(1000),
        completion: fc.nat(1000),
        cached: fc.nat(1000),
      })
      .map((usage) => ({
        ...usage,
        cached: usage.cached % (usage.prompt + 1),
      })),
    { nil: undefined },
  ),
});

/** What a tool_use `input` must be for `json`: the object it is, else `{}`. */
function expectedInput(json: string): Record<string, unknown> {
  const value = parsedOrUndefined(json);
  return isRecord(value) ? value : {};
}

/** Whether the answer was cut short: its calls must be whole to be sent. */
function cutShort(answer: ChunkAnswer): boolean {
  return answer.finish === 'length' || answer.finish === 'content_filter';
}

/**
 * What the listener must hear of: [name, length, outcome] of each call cut
 * off inside its arguments (not a JSON object when the answer was cut
 * short: dropped), or else of each whose arguments are neither blank nor a
 * JSON object (sent as `{}`).
 */
export function brokenCallsOf(
  answer: ChunkAnswer,
): [string, number, 'invalid' | 'cut'][] {
  const cut = cutShort(answer);
  return answer.calls
    .map((call) => [call.name, call.arguments.join('')] as const)
    .filter(
      ([, json]) =>
        (cut || json.trim() !== '') && !isRecord(parsedOrUndefined(json)),
    )
    .map(([name, json]) => [name, json.length, cut ? 'cut' : 'invalid']);
}

function parsedOrUndefined(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

/** Each call's deltas: id and name first, then its argument pieces. */
function callDeltas(answer: ChunkAnswer): Record<string, unknown>[][] {
  return answer.calls.map((call, index) => [
    {
      index,
      id: `call_${index}`,
      type: 'function',
      function: { name: call.name, arguments: '' },
    },
    ...call.arguments.map((part) => ({ index, function: { arguments: part } })),
  ]);
}

/** The calls' deltas in the order `schedule` picks them, each call's in its own order. */
function interleaved(answer: ChunkAnswer): Record<string, unknown>[] {
  const queues = callDeltas(answer);
  const out: Record<string, unknown>[] = [];
  for (const pick of answer.schedule) {
    const live = queues.filter((queue) => queue.length > 0);
    const next = live[pick % Math.max(live.length, 1)]?.shift();
    if (next !== undefined) {
      out.push(next);
    }
  }
  return [...out, ...queues.flat()];
}

/** The chunks the upstream sends for `answer`. */
export function chunksOf(answer: ChunkAnswer): ChatCompletionChunk[] {
  const finish = chunk({}, answer.finish);
  if (answer.stopString !== undefined) {
    (finish['choices'] as Record<string, unknown>[])[0]!['stop_reason'] =
      answer.stopString;
  }
  const usage = answer.usage;
  return [
    chunk({ role: 'assistant', content: '' }),
    ...answer.reasoning.map((text) => chunk({ [answer.reasoningField]: text })),
    ...answer.content.map((text) => chunk({ content: text })),
    ...interleaved(answer).map((call) => chunk({ tool_calls: [call] })),
    ...answer.trailing.map((text) => chunk({ content: text })),
    finish,
    ...(usage === undefined
      ? []
      : [
          usageChunk(usage.prompt, usage.completion, {
            prompt_tokens_details: { cached_tokens: usage.cached },
          }),
        ]),
  ] as ChatCompletionChunk[];
}

/**
 * The content blocks `answer` must come out as; calls in the order they
 * began, those cut off inside their arguments left out; no thinking block
 * when `showThinking` is false.
 */
export function blocksOf(
  answer: ChunkAnswer,
  signature: ThinkingSignature,
  showThinking = true,
): AnthropicOutputBlock[] {
  const thinking = showThinking ? answer.reasoning.join('') : '';
  const text = answer.content.join('');
  const trailing = answer.trailing.join('');
  const order = [
    ...new Set(interleaved(answer).map((delta) => Number(delta['index']))),
  ];
  const blocks: AnthropicOutputBlock[] = [];
  if (thinking !== '') {
    blocks.push({
      type: 'thinking',
      thinking,
      signature: signature.sign(thinking),
    });
  }
  const calls = answer.calls.length > 0;
  const leading = calls ? text : text + trailing;
  if (leading !== '') {
    blocks.push({ type: 'text', text: leading });
  }
  for (const index of order) {
    const json = answer.calls[index]!.arguments.join('');
    if (cutShort(answer) && !isRecord(parsedOrUndefined(json))) {
      continue; // cut off mid-way: left out
    }
    blocks.push({
      type: 'tool_use',
      id: toolUseIdOf(`call_${index}`),
      name: answer.calls[index]!.name,
      input: expectedInput(json),
    });
  }
  if (calls && trailing !== '') {
    blocks.push({ type: 'text', text: trailing });
  }
  return blocks;
}
