import type {
  ResponseInputItem,
  ResponseObject,
} from '../core/responses.types.js';

/** One stored turn: the Response and what produced it. */
export interface StoredResponse {
  response: ResponseObject;
  /** Items of the earlier turns this one continued (oldest first), instructions excluded. */
  history: ResponseInputItem[];
  /** This turn's own input items, each with an id. */
  inputItems: ResponseInputItem[];
}

export interface ItemListQuery {
  limit: number;
  order: 'asc' | 'desc';
  after?: string;
  before?: string;
}

export interface ItemList {
  object: 'list';
  data: ResponseInputItem[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

/**
 * Where responses live between turns. The in-memory LRU is the embedded
 * default; a shared implementation serves several replicas.
 */
export interface ResponseStore {
  save(entry: StoredResponse): Promise<void>;
  get(id: string): Promise<StoredResponse | undefined>;
  delete(id: string): Promise<boolean>;
  /** Any input or output item of a stored response, by item id (for item_reference). */
  getItem(itemId: string): Promise<ResponseInputItem | undefined>;
}

/** Nest injection token of the ResponseStore. */
export const RESPONSE_STORE = Symbol('ResponseStore');

/** Pages a response's input items the way the OpenAI API does. */
export function pageItems(
  items: readonly ResponseInputItem[],
  query: ItemListQuery,
): ItemList {
  const ordered = query.order === 'asc' ? [...items] : [...items].reverse();
  let start = 0;
  let end = ordered.length;
  if (query.after) {
    const index = ordered.findIndex((item) => item.id === query.after);
    start = index >= 0 ? index + 1 : ordered.length;
  }
  if (query.before) {
    const index = ordered.findIndex((item) => item.id === query.before);
    end = index >= 0 ? index : end;
  }
  const window = ordered.slice(start, Math.max(start, end));
  const data = window.slice(0, query.limit);
  return {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data[data.length - 1]?.id ?? null,
    has_more: window.length > data.length,
  };
}
