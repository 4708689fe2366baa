import { visibleTo, type Tenant } from '../../config/security/tenant.js';
import type { ResponseInputItem } from '../../protocol/responses.types.js';
import { isItemReference } from '../core/input-item-fields.js';
import { duplicateItemId } from './conversation-errors.js';
import { normalizeInputItems, resolveItemReferences } from '../input-items.js';
import type { ResponseStore } from '../store/response-store.js';

/**
 * Items given to a conversation as it stores them: in their output form
 * (ids and statuses as /v1/responses input items get them), each
 * `item_reference` replaced by the item it names among `known`, else among
 * the stored responses `caller` may see (400 on `items` when not found).
 */
export function storedFormOf(
  items: readonly ResponseInputItem[],
  responses: ResponseStore,
  caller: Tenant | undefined,
  known: readonly ResponseInputItem[] = [],
): Promise<ResponseInputItem[]> {
  return resolveItemReferences(
    normalizeInputItems(items),
    async (id) =>
      known.find((item) => item.id === id && !isItemReference(item)) ??
      (await visibleItem(responses, id, caller)),
    'items',
  );
}

/** 400 on `items[i].id` for an item whose id `held` or an earlier item has. */
export function assertNewItemIds(
  items: readonly ResponseInputItem[],
  held: readonly ResponseInputItem[],
): void {
  const ids = new Set(held.map((item) => item.id));
  items.forEach((item, index) => {
    if (item.id === undefined) {
      return;
    }
    if (ids.has(item.id)) {
      throw duplicateItemId(String(item.id), `items[${index}].id`);
    }
    ids.add(item.id);
  });
}

/** The items whose id neither `held` nor an earlier one of them has. */
export function itemsNotHeld(
  items: readonly ResponseInputItem[],
  held: ReadonlyMap<unknown, ResponseInputItem>,
): ResponseInputItem[] {
  const seen = new Set<unknown>();
  return items.filter((item) => {
    if (item.id === undefined) {
      return true;
    }
    const fresh = !held.has(item.id) && !seen.has(item.id);
    seen.add(item.id);
    return fresh;
  });
}

async function visibleItem(
  responses: ResponseStore,
  id: string,
  caller: Tenant | undefined,
): Promise<ResponseInputItem | undefined> {
  const stored = await responses.getItem(id);
  return stored && visibleTo(stored.owner, caller) ? stored.item : undefined;
}
