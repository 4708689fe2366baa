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

/**
 * An input item's type. `type` may be omitted on messages (EasyInputMessage,
 * which has a `role`) and on item references (which have an `id`).
 */
export function inputItemType(
  item: Readonly<Record<string, unknown>>,
): unknown {
  const type = item['type'];
  if (type !== undefined && type !== null) {
    return type;
  }
  if (item['role'] !== undefined) {
    return 'message';
  }
  return item['id'] !== undefined ? 'item_reference' : undefined;
}

/** An `item_reference` item (explicit, or an `id` alone). */
export function isItemReference(
  item: Readonly<Record<string, unknown>>,
): boolean {
  return inputItemType(item) === 'item_reference';
}

/** A field of a checked item that is a string, else undefined. */
export function stringField(
  item: Readonly<Record<string, unknown>>,
  key: string,
): string | undefined {
  const value = item[key];
  return typeof value === 'string' ? value : undefined;
}

/** The chat function name of a function/custom tool call item (`<namespace>__<name>`). */
export function chatToolName(item: Readonly<Record<string, unknown>>): string {
  const name = stringField(item, 'name') ?? '';
  const namespace = stringField(item, 'namespace');
  return namespace ? flattenToolName(namespace, name) : name;
}

/** `arguments` as a JSON string (an object is serialized). */
export function argumentsText(item: Readonly<Record<string, unknown>>): string {
  const args = item['arguments'];
  return typeof args === 'string' ? args : JSON.stringify(args);
}

/** The `text` of each summary/content part of a reasoning item. */
export function partTexts(parts: unknown): string[] {
  return Array.isArray(parts)
    ? parts.map((part: { text?: unknown }) => String(part.text))
    : [];
}
