import type { ResponseInputItem } from '../../protocol/responses.types.js';
import type {
  ItemList,
  ItemListQuery,
  OwnerFilter,
} from '../store/response-store.js';

/** A conversation without its items: what GET /v1/conversations/{id} serves, and its owner. */
export interface ConversationRecord {
  id: string;
  created_at: number;
  metadata: Record<string, string>;
  /** The Tenant.id of the key that created it; absent when inbound auth was off. */
  owner?: string;
}

/** What an append did: `full` when it would pass the store's item bound (nothing written). */
export type AppendOutcome = 'appended' | 'not_found' | 'full';

/** What deleting an item found: the conversation, and whether the item was in it. */
export interface ItemDeletion {
  conversation: ConversationRecord;
  deleted: boolean;
}

/**
 * Every item of a conversation, as a turn reads it. `version` changes with
 * every item added or removed. `continues` is the response of the turn
 * appended last when nothing changed the items since: that response's
 * whole chain (history, input, output) is then exactly `items`, so the
 * next turn's response can link to it instead of copying them.
 */
export interface ConversationHistory {
  items: ResponseInputItem[];
  version: number;
  continues?: string;
}

/**
 * The turn an append comes from: the version its history was read at, and
 * its response. When the conversation is still at that version (and every
 * item is added), the response becomes the conversation's `continues`.
 */
export interface TurnAppend {
  readVersion: number;
  responseId: string;
}

/** How a conversation store is bounded. */
export interface ConversationStoreLimits {
  /** Items a conversation may hold; an append past it is refused whole. */
  maxItems: number;
}

/**
 * Where conversations live: in memory (an LRU sharing the response store's
 * byte budget) or in Redis (shared by replicas, with the response store's
 * TTL). Every operation takes an OwnerFilter, checked atomically with it:
 * a foreign conversation is found by none, and neither read, refreshed,
 * changed nor deleted. Reading or changing a conversation refreshes it.
 * Only `history` reads every item; a page, an item or an id check reads
 * only those. `append` is one atomic step, so concurrent turns never lose
 * items, and an id names one item: an item whose id the conversation
 * holds already is not added again. Failures are GatewayExceptions (503
 * `store_unavailable` from Redis).
 */
export interface ConversationStore {
  readonly limits: ConversationStoreLimits;
  /** Throws a 503 `store_unavailable` when the store is known to be down. */
  assertAvailable(): void;
  create(
    conversation: ConversationRecord,
    items: readonly ResponseInputItem[],
  ): Promise<void>;
  get(
    id: string,
    filter?: OwnerFilter,
  ): Promise<ConversationRecord | undefined>;
  /** Every item, oldest first; undefined when the conversation is not found. */
  history(
    id: string,
    filter?: OwnerFilter,
  ): Promise<ConversationHistory | undefined>;
  /** One page of items, as pageItems would cut it from every item. */
  page(
    id: string,
    query: ItemListQuery,
    filter?: OwnerFilter,
  ): Promise<ItemList | undefined>;
  /** The items among `itemIds` the conversation holds (in no set order). */
  itemsById(
    id: string,
    itemIds: readonly string[],
    filter?: OwnerFilter,
  ): Promise<ResponseInputItem[] | undefined>;
  setMetadata(
    id: string,
    metadata: Record<string, string>,
    filter?: OwnerFilter,
  ): Promise<ConversationRecord | undefined>;
  append(
    id: string,
    items: readonly ResponseInputItem[],
    filter?: OwnerFilter,
    turn?: TurnAppend,
  ): Promise<AppendOutcome>;
  deleteItem(
    id: string,
    itemId: string,
    filter?: OwnerFilter,
  ): Promise<ItemDeletion | undefined>;
  delete(id: string, filter?: OwnerFilter): Promise<boolean>;
}

/** Nest injection token of the ConversationStore. */
export const CONVERSATION_STORE = Symbol('ConversationStore');
