import { defineFamily } from './block-scanners.js';
import { valueBlockScanner } from './value-block-scanner.js';
import { parseJsonCallValues } from './json-call.util.js';

/** Phi-4-mini: `<|tool_call|>[{"name": …, "arguments": {…}}]<|/tool_call|>`. */
export const phi4MiniFamily = defineFamily({
  name: 'phi4-mini',
  description: '<|tool_call|>[{…}]<|/tool_call|>',
  startMarkers: ['<|tool_call|>'],
  modelPattern: /phi-?4-?mini/i,
  createScanner: (ctx) =>
    valueBlockScanner(
      {
        startMarkers: ['<|tool_call|>'],
        closeMarkers: ['<|/tool_call|>'],
        closeRequired: true,
        parseValues: (values) => parseJsonCallValues(values, ctx),
      },
      ctx,
    ),
});
