import type { ResponseInputItem } from '../../protocol/responses.types.js';
import type { ItemList, ItemListQuery } from '../store/response-store.js';

/**
 * Where a page lies among a conversation's items (positions oldest first,
 * from 0). The Redis store's PAGE script cuts the same window in Lua.
 */
export interface PageWindow {
  /** Position of the page's first item. */
  first: number;
  /** Items on the page. */
  size: number;
  /** Newest first: the page runs from `first` down. */
  descending: boolean;
  hasMore: boolean;
}

/**
 * The window pageItems cuts, found without reading the items: `after` and
 * `before` are looked up by `positionOf` (-1 when absent: an unknown
 * `after` gives an empty page, an unknown `before` no end).
 */
export function pageWindow(
  count: number,
  query: ItemListQuery,
  positionOf: (itemId: string) => number,
): PageWindow {
  const descending = query.order !== 'asc';
  // Positions in the page's order.
  const ordered = (itemId: string) => {
    const position = positionOf(itemId);
    if (position < 0) {
      return -1;
    }
    return descending ? count - 1 - position : position;
  };
  const afterAt = query.after === undefined ? undefined : ordered(query.after);
  const beforeAt =
    query.before === undefined ? undefined : ordered(query.before);
  const start = afterAt === undefined ? 0 : afterAt < 0 ? count : afterAt + 1;
  const stop = beforeAt === undefined || beforeAt < 0 ? count : beforeAt;
  const available = Math.max(0, stop - start);
  const size = Math.min(query.limit, available);
  return {
    first: descending ? count - 1 - start : start,
    size,
    descending,
    hasMore: available > size,
  };
}

/** The window's items of `items` (oldest first), in the page's order. */
export function itemsIn(
  items: readonly ResponseInputItem[],
  window: PageWindow,
): ResponseInputItem[] {
  const { first, size, descending } = window;
  if (!descending) {
    return items.slice(first, first + size);
  }
  return items.slice(first - size + 1, first + 1).reverse();
}

/** The list object of one page. */
export function itemList(
  data: ResponseInputItem[],
  hasMore: boolean,
): ItemList {
  return {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data[data.length - 1]?.id ?? null,
    has_more: hasMore,
  };
}
