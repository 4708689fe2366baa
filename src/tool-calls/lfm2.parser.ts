import { defineFamily, delimitedBlockScanner } from './block-scanners.js';
import { pythonicStartVerdict } from './pythonic-call-syntax.js';
import { jsonOrPythonicToolCalls } from './pythonic.parser.js';

/**
 * LiquidAI LFM2: a pythonic call list (or JSON) between
 * `<|tool_call_start|>` and `<|tool_call_end|>`.
 */
export const lfm2Family = defineFamily({
  name: 'lfm2',
  description:
    '<|tool_call_start|>[get_weather(location="Paris")]<|tool_call_end|>',
  startMarkers: ['<|tool_call_start|>'],
  modelPattern: /lfm-?2/i,
  createScanner: (ctx) =>
    delimitedBlockScanner(
      {
        startMarkers: ['<|tool_call_start|>'],
        endMarkers: ['<|tool_call_end|>'],
        viable: (body) => {
          const text = body.trimStart();
          return text.startsWith('{') || text.startsWith('[{')
            ? 'yes'
            : pythonicStartVerdict(body, (n) => ctx.tools.has(n), 'optional');
        },
        parseBody: (body) => jsonOrPythonicToolCalls(body, ctx),
      },
      ctx,
    ),
});
