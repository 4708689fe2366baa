import {
  defineFamily,
  delimitedBlockScanner,
  startsWithOneOf,
} from './block-scanners.js';
import { parseGemmaCalls } from './gemma-call-syntax.js';

/**
 * FunctionGemma: `<start_function_call>call:NAME{key:<escape>text<escape>}<end_function_call>`;
 * the same call syntax as Gemma 4 with `<escape>` as the string quote.
 */
export const functionGemmaFamily = defineFamily({
  name: 'function-gemma',
  description:
    '<start_function_call>call:NAME{key:<escape>value<escape>}<end_function_call>',
  startMarkers: ['<start_function_call>'],
  modelPattern: /function-?gemma/i,
  createScanner: (ctx) =>
    delimitedBlockScanner(
      {
        startMarkers: ['<start_function_call>'],
        endMarkers: ['<end_function_call>'],
        viable: (body) => startsWithOneOf(body, ['call:']),
        parseBody: (body) => parseGemmaCalls(body, '<escape>', ctx),
      },
      ctx,
    ),
});
