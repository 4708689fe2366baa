import {
  invalidRequest,
  isRecord,
  optionalString,
  requireString,
} from './request-guards.js';
import { flattenToolName } from './tool-name-map.js';

/**
 * Item types of hosted tools a chat backend never ran (and MCP bookkeeping):
 * they cannot be replayed, so they are left out instead of failing the request.
 */
export const SKIPPED_ITEM_TYPES: ReadonlySet<string> = new Set([
  'web_search_call',
  'file_search_call',
  'image_generation_call',
  'code_interpreter_call',
  'computer_call',
  'computer_call_output',
  'local_shell_call',
  'local_shell_call_output',
  'shell_call',
  'shell_call_output',
  'apply_patch_call',
  'apply_patch_call_output',
  'tool_search_call',
  'tool_search_output',
  'mcp_list_tools',
  'mcp_approval_request',
  'mcp_approval_response',
  'compaction',
  'additional_tools',
]);

/** The chat function name of a function/custom tool call item (`<namespace>__<name>`). */
export function chatToolName(
  item: Record<string, unknown>,
  param: string,
): string {
  const name = requireString(item, 'name', `${param}.name`);
  const namespace = optionalString(item, 'namespace', `${param}.namespace`);
  return namespace ? flattenToolName(namespace, name) : name;
}

/** `arguments` as a JSON string (an object is serialized). */
export function functionArguments(
  item: Record<string, unknown>,
  param: string,
): string {
  const args = item['arguments'];
  if (typeof args === 'string') {
    return args;
  }
  if (isRecord(args)) {
    return JSON.stringify(args);
  }
  throw invalidRequest(
    `${param}.arguments`,
    `Invalid '${param}.arguments': expected a JSON string.`,
  );
}

/** The `input` string of a custom tool call item. */
export function customInput(
  item: Record<string, unknown>,
  param: string,
): string {
  const input = item['input'];
  if (typeof input !== 'string') {
    throw invalidRequest(
      `${param}.input`,
      `Invalid '${param}.input': expected a string.`,
    );
  }
  return input;
}

/** The `text` of each summary/content part of a reasoning item. */
export function partTexts(parts: unknown, param: string): string[] {
  if (parts === undefined || parts === null) {
    return [];
  }
  if (!Array.isArray(parts)) {
    throw invalidRequest(param, `Invalid '${param}': expected an array.`);
  }
  return parts.map((part, index) => {
    const text = isRecord(part) ? part['text'] : undefined;
    if (typeof text !== 'string') {
      throw invalidRequest(
        `${param}[${index}].text`,
        `Invalid '${param}[${index}].text': expected a string.`,
      );
    }
    return text;
  });
}
