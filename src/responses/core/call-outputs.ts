import { isRecord } from '../../common/is-record.js';
import { invalidRequest } from '../../common/http/field-guards.js';
import type { ResponseInputItem } from '../../protocol/responses.types.js';

const CALL_TYPES = new Set(['function_call', 'custom_tool_call']);
const OUTPUT_TYPES: Readonly<Record<string, string>> = {
  function_call_output: 'function_call',
  custom_tool_call_output: 'custom_tool_call',
};

/**
 * Rejects a continuation whose tool output answers no call: every
 * `function_call_output` / `custom_tool_call_output` in `input` must name
 * the `call_id` of a call in the history or earlier in the input, as the
 * OpenAI API requires (400, param `input[i].call_id`).
 */
export function checkCallOutputs(
  history: readonly ResponseInputItem[],
  input: readonly ResponseInputItem[],
): void {
  const calls = new Set<string>();
  const note = (item: unknown): void => {
    if (
      isRecord(item) &&
      typeof item.type === 'string' &&
      CALL_TYPES.has(item.type) &&
      typeof item['call_id'] === 'string'
    ) {
      calls.add(item['call_id']);
    }
  };
  history.forEach(note);
  input.forEach((item, index) => {
    note(item);
    if (!isRecord(item) || typeof item.type !== 'string') {
      return;
    }
    const callType = OUTPUT_TYPES[item.type];
    const callId = item['call_id'];
    if (
      callType !== undefined &&
      typeof callId === 'string' &&
      !calls.has(callId)
    ) {
      throw invalidRequest(
        `input[${index}].call_id`,
        `No tool call found for ${item.type} with call_id '${callId}'.`,
      );
    }
  });
}
