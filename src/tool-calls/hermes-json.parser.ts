import { defineFamily, startsWithOneOf } from './block-scanners.js';
import { valueBlockScanner } from './value-block-scanner.js';
import { parseJsonCallValues } from './json-call.util.js';

/**
 * Hermes / Qwen2.5 / Qwen3 (and AbstractCore's prompted form): one JSON call
 * per block, newlines optional:
 * `<tool_call>{"name": "get_weather", "arguments": {…}}</tool_call>`.
 */
export const hermesJsonFamily = defineFamily({
  name: 'hermes-json',
  description: '<tool_call>{"name": …, "arguments": {…}}</tool_call>',
  startMarkers: ['<tool_call>'],
  modelPattern: /hermes|qwen-?2|qwen3|qwq/i,
  createScanner: (ctx) =>
    valueBlockScanner(
      {
        startMarkers: ['<tool_call>'],
        closeMarkers: ['</tool_call>'],
        closeRequired: true,
        viable: (body) => startsWithOneOf(body, ['{']),
        parseValues: (values) => parseJsonCallValues(values, ctx),
      },
      ctx,
    ),
});
