import { defineFamily, delimitedBlockScanner } from './block-scanners.js';
import { pythonicStartVerdict } from './pythonic-call-syntax.js';
import { pythonicToolCalls } from './pythonic.parser.js';

/**
 * OLMo 3: bare Python-style calls (one per line) between `<function_calls>`
 * and `</function_calls>`.
 */
export const olmo3Family = defineFamily({
  name: 'olmo3',
  description:
    '<function_calls>get_weather(location="San Francisco")</function_calls>',
  startMarkers: ['<function_calls>'],
  modelPattern: /olmo-?3/i,
  createScanner: (ctx) =>
    delimitedBlockScanner(
      {
        startMarkers: ['<function_calls>'],
        endMarkers: ['</function_calls>'],
        viable: (body) =>
          pythonicStartVerdict(body, (n) => ctx.tools.has(n), 'optional'),
        parseBody: (body) => pythonicToolCalls(body, ctx),
      },
      ctx,
    ),
});
