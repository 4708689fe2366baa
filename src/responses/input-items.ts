import { invalidRequest } from '../common/http/field-guards.js';
import { newId } from './core/ids.js';
import { inputItemType, isItemReference } from './core/input-item-fields.js';
import type { ResponseInputItem } from '../protocol/responses.types.js';
import { withFields } from '../common/objects/with-fields.js';

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
  const itemType = inputItemType(item);
  const type = typeof itemType === 'string' ? itemType : 'message';
  if (type === 'item_reference') {
    return withFields(item, { type });
  }
  const normalized: ResponseInputItem = withFields(item, { type });
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

/** Finds the item an `item_reference` names, or undefined. */
export type ItemLookup = (
  id: string,
) => Promise<ResponseInputItem | undefined> | ResponseInputItem | undefined;

/**
 * `items` with every `item_reference` replaced by the item it names, as
 * `lookup` finds it; an id it does not find (or that names another
 * reference) is a 400 on `param`. Returns `items` itself when it holds no
 * reference.
 */
export async function resolveItemReferences(
  items: readonly ResponseInputItem[],
  lookup: ItemLookup,
  param = 'input',
): Promise<ResponseInputItem[]> {
  if (!items.some(isItemReference)) {
    return [...items];
  }
  const resolved: ResponseInputItem[] = [];
  for (const item of items) {
    resolved.push(
      isItemReference(item) ? await referenced(item, lookup, param) : item,
    );
  }
  return resolved;
}

async function referenced(
  reference: ResponseInputItem,
  lookup: ItemLookup,
  param: string,
): Promise<ResponseInputItem> {
  const id = String(reference.id);
  const item = await lookup(id);
  if (item === undefined || isItemReference(item)) {
    throw invalidRequest(param, `Item with id '${id}' not found.`);
  }
  return item;
}
