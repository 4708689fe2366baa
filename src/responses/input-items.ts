import { newId } from './core/ids.js';
import type { ResponseInputItem } from '../protocol/responses.types.js';

/**
 * The request's `input` as stored items: a string becomes one user message,
 * shorthand messages get `type:"message"` and content parts, and every item
 * gets an id and a status, as GET /v1/responses/{id}/input_items returns them.
 */
export function normalizeInputItems(
  input: string | readonly ResponseInputItem[] | undefined,
): ResponseInputItem[] {
  if (input === undefined) {
    return [];
  }
  if (typeof input === 'string') {
    return [
      {
        type: 'message',
        id: newId('msg'),
        role: 'user',
        status: 'completed',
        content: [{ type: 'input_text', text: input }],
      },
    ];
  }
  return input.map((item) => withIdAndStatus(item));
}

function withIdAndStatus(item: ResponseInputItem): ResponseInputItem {
  const type = typeof item.type === 'string' ? item.type : 'message';
  if (type === 'item_reference') {
    return { ...item, type };
  }
  const normalized: ResponseInputItem = { ...item, type };
  if (type === 'message' && typeof item.content === 'string') {
    const partType = item.role === 'assistant' ? 'output_text' : 'input_text';
    normalized.content =
      partType === 'output_text'
        ? [{ type: partType, text: item.content, annotations: [] }]
        : [{ type: partType, text: item.content }];
  }
  if (typeof normalized.id !== 'string' || normalized.id === '') {
    normalized.id = newId(idPrefixOf(type));
  }
  normalized.status ??= 'completed';
  return normalized;
}

function idPrefixOf(type: string): 'msg' | 'fc' | 'rs' | 'ctc' {
  switch (type) {
    case 'function_call':
    case 'function_call_output':
      return 'fc';
    case 'reasoning':
      return 'rs';
    case 'custom_tool_call':
    case 'custom_tool_call_output':
      return 'ctc';
    default:
      return 'msg';
  }
}

/** Ids named by item_reference items, to resolve before mapping. */
export function referencedIds(items: readonly ResponseInputItem[]): string[] {
  return items
    .filter(
      (item) => item.type === 'item_reference' && typeof item.id === 'string',
    )
    .map((item) => item.id as string);
}
