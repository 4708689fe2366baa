import {
  defineFamily,
  delimitedBlockScanner,
  dispatchScanner,
} from './block-scanners.js';
import { valueBlockScanner } from './value-block-scanner.js';
import { parseJsonCallText } from './json-call.util.js';
import {
  parsePythonicCalls,
  pythonicStartVerdict,
} from './pythonic-call-syntax.js';
import type { ParseContext, ParsedToolCall } from './tool-call.types.js';

/** Python-style calls as tool calls; null unless every name is declared. */
export function pythonicToolCalls(
  text: string,
  ctx: ParseContext,
): ParsedToolCall[] | null {
  const calls = parsePythonicCalls(text);
  if (calls === null || calls.some((c) => !ctx.tools.has(c.name))) {
    return null;
  }
  return calls.map((c) => ({
    name: c.name,
    arguments: JSON.stringify(c.args),
  }));
}

/** A body that holds either JSON call(s) or Python-style call(s). */
export function jsonOrPythonicToolCalls(
  text: string,
  ctx: ParseContext,
): ParsedToolCall[] | null {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[{')) {
    return parseJsonCallText(trimmed, ctx);
  }
  return pythonicToolCalls(trimmed, ctx);
}

const PYTHON_START = '<|python_start|>';
const PYTHON_END = '<|python_end|>';

/**
 * Llama 3.2 / Llama 4 pythonic calls: `[get_weather(city="Paris"), get_time()]`
 * when the message starts with `[`, or wrapped in
 * `<|python_start|>…<|python_end|>` (Llama 4).
 */
export const pythonicFamily = defineFamily({
  name: 'pythonic',
  description: '[get_weather(city="Paris"), get_time()]',
  startMarkers: [PYTHON_START],
  leadingMarkers: ['['],
  modelPattern: /llama[-_ ]?(3\.2|4)/i,
  createScanner: (ctx) => {
    const declared = (name: string) => ctx.tools.has(name);
    return dispatchScanner([
      {
        markers: [PYTHON_START],
        create: () =>
          delimitedBlockScanner(
            {
              startMarkers: [PYTHON_START],
              endMarkers: [PYTHON_END],
              viable: (body) =>
                pythonicStartVerdict(body, declared, 'optional'),
              parseBody: (body) => pythonicToolCalls(body, ctx),
            },
            ctx,
          ),
      },
      {
        markers: ['['],
        create: () =>
          valueBlockScanner(
            {
              startMarkers: [],
              leadingMarkers: ['['],
              quotes: `"'`,
              viable: (body) =>
                pythonicStartVerdict(body, declared, 'required'),
              parseValues: (values) =>
                values.length === 1
                  ? pythonicToolCalls(values[0] ?? '', ctx)
                  : null,
            },
            ctx,
          ),
      },
    ]);
  },
});
