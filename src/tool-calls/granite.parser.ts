import { defineFamily } from './block-scanners.js';
import { valueBlockScanner } from './value-block-scanner.js';
import { parseJsonCallValues } from './json-call.util.js';

/**
 * IBM Granite 3.x: `<|tool_call|>[{"name": …, "arguments": {…}}]` with no
 * closing tag; the block ends where the JSON list closes. A closing tag of
 * the sibling `<|tool_call|>` formats is consumed if one follows.
 */
export const graniteFamily = defineFamily({
  name: 'granite',
  description: '<|tool_call|>[{…}] (no closing tag)',
  startMarkers: ['<|tool_call|>'],
  modelPattern: /granite/i,
  createScanner: (ctx) =>
    valueBlockScanner(
      {
        startMarkers: ['<|tool_call|>'],
        closeMarkers: ['<|/tool_call|>', '</|tool_call|>'],
        parseValues: (values) => parseJsonCallValues(values, ctx),
      },
      ctx,
    ),
});
