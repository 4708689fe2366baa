import type { Tenant } from '../../config/security/tenant.js';
import type {
  ResponseInputItem,
  ResponseObject,
} from '../../protocol/responses.types.js';

/** One stored turn: the Response and what produced it. */
export interface StoredResponse {
  response: ResponseObject;
  /** Items of the earlier turns this one continued (oldest first), instructions excluded. */
  history: ResponseInputItem[];
  /** This turn's own input items, each with an id. */
  inputItems: ResponseInputItem[];
  /**
   * The Tenant.id of the key that created it; absent when inbound auth was
   * off. Another key must not see it (visibleTo): an entry stored before
   * owners existed has none, and is visible to no key once auth is on.
   */
  owner?: string;
}

/** A stored turn without the conversation before it: what GET and input_items serve. */
export type StoredTurn = Pick<
  StoredResponse,
  'response' | 'inputItems' | 'owner'
>;

/** An item of a stored response (item_reference), and that response's owner. */
export interface StoredItem {
  item: ResponseInputItem;
  owner?: string;
}

/** How a turn is saved. */
export interface SaveOptions {
  /**
   * The id of a response of this same store whose conversation `history`
   * is. The store then keeps a link to it instead of a copy of the history,
   * so a conversation takes space linear in its length. When the link
   * cannot be made (that response is gone, or the chain is already
   * {@link maxChainLinks} long), the store keeps `history` itself.
   */
  continues?: string;
}

/** Which responses a get or a delete may find. */
export interface OwnerFilter {
  /**
   * When set, only a response owned by this Tenant.id is found: any other
   * one (another key's, or one without an owner) is answered as an unknown
   * id, before anything else is read, refreshed or removed.
   */
  ifOwnedBy?: string;
}

/**
 * The filter of what `caller` may see (visibleTo): everything when inbound
 * auth is off, else only its own responses.
 */
export function visibleOnlyTo(caller: Tenant | undefined): OwnerFilter {
  return caller === undefined ? {} : { ifOwnedBy: caller.id };
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
 *
 * A turn that continues another one of the same store links to it; a
 * response is only evicted after every response that links to it (reading
 * or saving a turn refreshes its whole chain), and a deleted response that
 * later turns still link to stays, hidden, as their history. Every entry
 * keeps its owner and returns it; get, getTurn and delete take an
 * OwnerFilter, checked atomically with the operation (a foreign response is
 * neither refreshed nor removed, and its broken chain is not reported).
 * Failures are GatewayExceptions (see store-errors.ts).
 */
export interface ResponseStore {
  /** Throws a 503 `store_unavailable` when the store is known to be down. */
  assertAvailable(): void;
  save(entry: StoredResponse, options?: SaveOptions): Promise<void>;
  /** The response with the whole conversation before it. */
  get(id: string, filter?: OwnerFilter): Promise<StoredResponse | undefined>;
  /** The response and its own input items, without reading its history. */
  getTurn(id: string, filter?: OwnerFilter): Promise<StoredTurn | undefined>;
  delete(id: string, filter?: OwnerFilter): Promise<boolean>;
  /** Any input or output item of a stored response, by item id (for item_reference). */
  getItem(itemId: string): Promise<StoredItem | undefined>;
}

/** Nest injection token of the ResponseStore. */
export const RESPONSE_STORE = Symbol('ResponseStore');

/**
 * The longest chain of links any store walks. A turn deeper than its
 * store's {@link maxChainLinks} keeps its history itself, so reading one
 * never follows more than this many links.
 */
export const MAX_CHAIN_LINKS = 256;

/**
 * How many links a store of `capacity` responses lets a chain have: half
 * its capacity, so a whole chain always fits (eviction never has to break
 * one), and at most {@link MAX_CHAIN_LINKS}. Every that many turns a
 * conversation's history is stored once more in full, which keeps the
 * space a conversation takes close to linear.
 */
export function maxChainLinks(capacity: number): number {
  return Math.min(MAX_CHAIN_LINKS, Math.floor(capacity / 2));
}

/** `{ owner }` when the entry has one: an entry without an owner gets no such key. */
export function ownerOf(entry: { owner?: string }): { owner?: string } {
  return entry.owner === undefined ? {} : { owner: entry.owner };
}

/** Whether `filter` lets `entry` be found. */
export function passes(
  entry: { owner?: string },
  filter: OwnerFilter,
): boolean {
  return filter.ifOwnedBy === undefined || entry.owner === filter.ifOwnedBy;
}

/** The items of a turn and of everything before it, oldest first. */
export function conversationItems(entry: StoredResponse): ResponseInputItem[] {
  return [...entry.history, ...entry.inputItems, ...entry.response.output];
}

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
