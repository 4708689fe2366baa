import { defineFamily } from './block-scanners.js';
import { sectionedCallScanner } from './sectioned-call-scanner.js';

const SECTION_BEGIN = [
  '<|tool_calls_section_begin|>',
  // A singular variant is seen too.
  '<|tool_call_section_begin|>',
];
const SECTION_END = ['<|tool_calls_section_end|>', '<|tool_call_section_end|>'];
const CALL_BEGIN = '<|tool_call_begin|>';

/** The call id is `functions.NAME:IDX` (sometimes `NAME:IDX`). */
function kimiToolName(id: string): string {
  return id
    .trim()
    .replace(/^functions\./, '')
    .replace(/:\d+$/, '');
}

/**
 * Kimi K2:
 * `<|tool_calls_section_begin|><|tool_call_begin|>functions.NAME:0<|tool_call_argument_begin|>{json}<|tool_call_end|><|tool_calls_section_end|>`.
 * Arguments stream as they arrive.
 */
export const kimiK2Family = defineFamily({
  name: 'kimi-k2',
  description:
    '<|tool_calls_section_begin|><|tool_call_begin|>functions.NAME:0<|tool_call_argument_begin|>{json}<|tool_call_end|><|tool_calls_section_end|>',
  startMarkers: [...SECTION_BEGIN, CALL_BEGIN],
  modelPattern: /kimi|moonshot/i,
  createScanner: (ctx) =>
    sectionedCallScanner(
      {
        startMarkers: [...SECTION_BEGIN, CALL_BEGIN],
        sectionEnd: SECTION_END,
        callBegin: CALL_BEGIN,
        argSep: '<|tool_call_argument_begin|>',
        callEnd: '<|tool_call_end|>',
        nameFromHeader: kimiToolName,
      },
      ctx,
    ),
});
