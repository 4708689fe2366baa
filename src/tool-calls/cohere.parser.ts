import { defineFamily } from './block-scanners.js';
import { valueBlockScanner } from './value-block-scanner.js';
import { parseJsonCallValues } from './json-call.util.js';

/**
 * Cohere Command A / R7B: a JSON list of
 * `{"tool_call_id": "0", "tool_name": …, "parameters": {…}}` between
 * `<|START_ACTION|>` and `<|END_ACTION|>`, after thinking that ends with
 * `<|END_THINKING|>` (the template may have opened it already).
 */
export const cohereFamily = defineFamily({
  name: 'cohere',
  description:
    '<|START_ACTION|>[{"tool_name": …, "parameters": {…}}]<|END_ACTION|>',
  startMarkers: ['<|START_ACTION|>'],
  modelPattern: /command-?(a|r7b|r\b|r-)|cohere|c4ai/i,
  reasoningTags: [{ open: '<|START_THINKING|>', close: '<|END_THINKING|>' }],
  createScanner: (ctx) =>
    valueBlockScanner(
      {
        startMarkers: ['<|START_ACTION|>'],
        closeMarkers: ['<|END_ACTION|>'],
        closeRequired: true,
        parseValues: (values) => parseJsonCallValues(values, ctx),
      },
      ctx,
    ),
});
