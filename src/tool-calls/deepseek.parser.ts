import { defineFamily } from './block-scanners.js';
import { sectionedCallScanner } from './sectioned-call-scanner.js';

// DeepSeek's special tokens use the FULL-WIDTH bar U+FF5C and the "lower one
// eighth block" U+2581 in place of spaces: `<｜tool▁calls▁begin｜>`.
const BAR = '\uff5c';
const SPACE = '\u2581';
const token = (words: string): string =>
  `<${BAR}${words.split(' ').join(SPACE)}${BAR}>`;

/** DeepSeek's tool-call special tokens. */
export const DEEPSEEK_TOKENS = {
  callsBegin: token('tool calls begin'),
  callsEnd: token('tool calls end'),
  callBegin: token('tool call begin'),
  callEnd: token('tool call end'),
  sep: token('tool sep'),
} as const;

/**
 * DeepSeek V3.1+ / Cogito:
 * `<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>NAME<｜tool▁sep｜>{json}<｜tool▁call▁end｜>…<｜tool▁calls▁end｜>`,
 * and the older V3-0324 / R1 form whose header is `function` and whose
 * separator is followed by `NAME` and a ```` ```json ```` fence. Arguments of
 * the V3.1 form stream as they arrive.
 */
export const deepseekFamily = defineFamily({
  name: 'deepseek',
  description:
    '<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>NAME<｜tool▁sep｜>{json}<｜tool▁call▁end｜><｜tool▁calls▁end｜>',
  startMarkers: [DEEPSEEK_TOKENS.callsBegin, DEEPSEEK_TOKENS.callBegin],
  modelPattern: /deepseek|cogito/i,
  createScanner: (ctx) =>
    sectionedCallScanner(
      {
        startMarkers: [DEEPSEEK_TOKENS.callsBegin, DEEPSEEK_TOKENS.callBegin],
        sectionEnd: [DEEPSEEK_TOKENS.callsEnd],
        callBegin: DEEPSEEK_TOKENS.callBegin,
        argSep: DEEPSEEK_TOKENS.sep,
        callEnd: DEEPSEEK_TOKENS.callEnd,
        nameFromHeader: (header) => header,
        fencedLegacy: true,
      },
      ctx,
    ),
});
