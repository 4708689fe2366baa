import {
  defineFamily,
  delimitedBlockScanner,
  startsWithOneOf,
} from './block-scanners.js';
import { parseGemmaCalls } from './gemma-call-syntax.js';

/** Gemma 4 quotes strings with this token. */
const GEMMA4_QUOTE = '<|"|>';

/**
 * Gemma 4: `<|tool_call>call:NAME{key:<|"|>text<|"|>,n:42}<tool_call|>`
 * (note the asymmetric pipes); thinking is `<|channel>…<channel|>`.
 */
export const gemma4Family = defineFamily({
  name: 'gemma4',
  description: '<|tool_call>call:NAME{key:<|"|>value<|"|>}<tool_call|>',
  startMarkers: ['<|tool_call>'],
  modelPattern: /gemma-?4/i,
  reasoningTags: [{ open: '<|channel>', close: '<channel|>' }],
  createScanner: (ctx) =>
    delimitedBlockScanner(
      {
        startMarkers: ['<|tool_call>'],
        endMarkers: ['<tool_call|>'],
        viable: (body) => startsWithOneOf(body, ['call:']),
        parseBody: (body) => parseGemmaCalls(body, GEMMA4_QUOTE, ctx),
      },
      ctx,
    ),
});
