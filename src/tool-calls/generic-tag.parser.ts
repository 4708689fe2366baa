import { defineFamily, delimitedBlockScanner } from './block-scanners.js';
import { valueBlockScanner } from './value-block-scanner.js';
import { parseJsonCallValues } from './json-call.util.js';
import { jsonOrPythonicToolCalls } from './pythonic.parser.js';
import type { ToolCallFamily } from './tool-call.types.js';

/** Generic JSON call(s) between an open and a close tag. */
function jsonTagFamily(
  name: 'pipe-tool-call' | 'function-call-tag' | 'custom',
  description: string,
  start: string,
  end: string,
): ToolCallFamily {
  return defineFamily({
    name,
    description,
    startMarkers: [start],
    createScanner: (ctx) =>
      valueBlockScanner(
        {
          startMarkers: [start],
          closeMarkers: [end],
          closeRequired: true,
          parseValues: (values) => parseJsonCallValues(values, ctx),
        },
        ctx,
      ),
  });
}

/** Prompted form `<|tool_call|>{json}</|tool_call|>` (AbstractCore). */
export const pipeToolCallFamily = jsonTagFamily(
  'pipe-tool-call',
  '<|tool_call|>{"name": …, "arguments": {…}}</|tool_call|>',
  '<|tool_call|>',
  '</|tool_call|>',
);

/** Prompted form `<function_call>{json}</function_call>` (AbstractCore). */
export const functionCallTagFamily = jsonTagFamily(
  'function-call-tag',
  '<function_call>{"name": …, "arguments": {…}}</function_call>',
  '<function_call>',
  '</function_call>',
);

const TOOL_CODE_FENCE = '```tool_code';

/**
 * Gemma 2/3 prompted calls: a ```` ```tool_code ```` fence holding a
 * Python-style call or JSON.
 */
export const toolCodeFamily = defineFamily({
  name: 'tool-code',
  description: '```tool_code\\nget_weather(city="Paris")\\n```',
  startMarkers: [TOOL_CODE_FENCE],
  modelPattern: /gemma-?[23]\b/i,
  createScanner: (ctx) =>
    delimitedBlockScanner(
      {
        startMarkers: [TOOL_CODE_FENCE],
        endMarkers: ['```'],
        // The info string must end the fence line (rules out ```tool_codex).
        viable: (body) => {
          const rest = body.replace(/^[ \t]+/, '');
          if (rest === '') {
            return 'maybe';
          }
          return rest.startsWith('\n') || rest.startsWith('\r') ? 'yes' : 'no';
        },
        parseBody: (body) => jsonOrPythonicToolCalls(body, ctx),
      },
      ctx,
    ),
});

/**
 * A family for custom tags given as `"START,END"`: the block holds JSON
 * `{"name": …, "arguments": {…}}` or a list of them.
 */
export function createCustomFamily(start: string, end: string): ToolCallFamily {
  if (start === '' || end === '') {
    throw new Error('custom tool-call tags must be two non-empty strings');
  }
  return jsonTagFamily('custom', `${start}{json}${end}`, start, end);
}
