import type { ResponseInputItem } from '../../protocol/responses.types.js';
import {
  MemoryStoreLedger,
  type MemoryHolder,
} from '../store/memory-store-ledger.js';
import {
  passes,
  type ItemList,
  type ItemListQuery,
  type OwnerFilter,
} from '../store/response-store.js';
import { conversationTooLargeForMemory } from './conversation-errors.js';
import { itemsNotHeld } from './conversation-items.js';
import { itemList, itemsIn, pageWindow } from './conversation-pages.js';
import type {
  AppendOutcome,
  ConversationHistory,
  ConversationRecord,
  ConversationStore,
  ConversationStoreLimits,
  ItemDeletion,
  TurnAppend,
} from './conversation-store.js';

/** One held conversation; `bytes` is the JSON length the budget counts. */
interface Entry {
  record: ConversationRecord;
  /** Oldest first. */
  items: ResponseInputItem[];
  /** The items that have an id, by id. */
  byId: Map<unknown, ResponseInputItem>;
  /** Changes with every item added or removed (ConversationHistory.version). */
  version: number;
  /** The last turn's response, while the version is the one it left. */
  lastTurn?: { responseId: string; version: number };
  bytes: number;
  /** The ledger's stamp of its last use. */
  usedAt: number;
}

/** How an InMemoryConversationStore is bounded. */
export interface InMemoryConversationStoreOptions extends ConversationStoreLimits {
  /** Conversations held; past it the least recently used goes. */
  capacity: number;
  /** Bytes (JSON length) it may hold with the ledger's other stores. */
  maxBytes?: number;
  /** The budget shared with the other in-memory stores (one LRU across them). */
  ledger?: MemoryStoreLedger;
}

/**
 * The embedded ConversationStore: an LRU bounded by count and by the byte
 * budget it shares with the in-memory response store (MemoryStoreLedger).
 * Every operation is synchronous inside, so two turns appending to one
 * conversation at once each add all their items, in some order.
 */
export class InMemoryConversationStore
  implements ConversationStore, MemoryHolder
{
  /** Least recently used first. */
  private readonly entries = new Map<string, Entry>();
  private totalBytes = 0;
  readonly limits: ConversationStoreLimits;
  private readonly maxBytes: number;
  private readonly ledger: MemoryStoreLedger;

  constructor(private readonly options: InMemoryConversationStoreOptions) {
    this.limits = { maxItems: options.maxItems };
    this.maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    this.ledger = options.ledger ?? new MemoryStoreLedger();
    this.ledger.join(this);
  }

  /** What the byte budget counts now. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Conversations held. */
  get size(): number {
    return this.entries.size;
  }

  assertAvailable(): void {
    // In the process: always there.
  }

  create(
    conversation: ConversationRecord,
    items: readonly ResponseInputItem[],
  ): Promise<void> {
    const record = { ...conversation };
    const bytes = jsonLength(record) + sumLengths(items);
    if (bytes > this.maxBytes) {
      return Promise.reject(
        conversationTooLargeForMemory(bytes, this.maxBytes, 'items'),
      );
    }
    this.remove(record.id);
    this.entries.set(record.id, {
      record,
      items: [...items],
      byId: new Map(
        items.flatMap((item) =>
          item.id === undefined ? [] : [[item.id, item]],
        ),
      ),
      version: 0,
      bytes,
      usedAt: this.ledger.stamp(),
    });
    this.totalBytes += bytes;
    this.evict(record.id);
    return Promise.resolve();
  }

  get(
    id: string,
    filter: OwnerFilter = {},
  ): Promise<ConversationRecord | undefined> {
    return Promise.resolve(this.touch(id, filter)?.record);
  }

  history(
    id: string,
    filter: OwnerFilter = {},
  ): Promise<ConversationHistory | undefined> {
    const entry = this.touch(id, filter);
    if (!entry) {
      return Promise.resolve(undefined);
    }
    const { items, version, lastTurn } = entry;
    return Promise.resolve({
      items: [...items],
      version,
      ...(lastTurn?.version === version && {
        continues: lastTurn.responseId,
      }),
    });
  }

  page(
    id: string,
    query: ItemListQuery,
    filter: OwnerFilter = {},
  ): Promise<ItemList | undefined> {
    const entry = this.touch(id, filter);
    if (!entry) {
      return Promise.resolve(undefined);
    }
    const { items, byId } = entry;
    const window = pageWindow(items.length, query, (itemId) => {
      const item = byId.get(itemId);
      return item === undefined ? -1 : items.indexOf(item);
    });
    return Promise.resolve(itemList(itemsIn(items, window), window.hasMore));
  }

  itemsById(
    id: string,
    itemIds: readonly string[],
    filter: OwnerFilter = {},
  ): Promise<ResponseInputItem[] | undefined> {
    const entry = this.touch(id, filter);
    return Promise.resolve(
      entry &&
        [...new Set(itemIds)].flatMap((itemId) => {
          const item = entry.byId.get(itemId);
          return item === undefined ? [] : [item];
        }),
    );
  }

  setMetadata(
    id: string,
    metadata: Record<string, string>,
    filter: OwnerFilter = {},
  ): Promise<ConversationRecord | undefined> {
    const entry = this.touch(id, filter);
    if (!entry) {
      return Promise.resolve(undefined);
    }
    const record = { ...entry.record, metadata: { ...metadata } };
    this.resize(entry, jsonLength(record) - jsonLength(entry.record));
    entry.record = record;
    this.evict(id);
    return Promise.resolve(record);
  }

  append(
    id: string,
    items: readonly ResponseInputItem[],
    filter: OwnerFilter = {},
    turn?: TurnAppend,
  ): Promise<AppendOutcome> {
    const entry = this.touch(id, filter);
    if (!entry) {
      return Promise.resolve('not_found');
    }
    const fresh = itemsNotHeld(items, entry.byId);
    if (entry.items.length + fresh.length > this.limits.maxItems) {
      return Promise.resolve('full');
    }
    const added = sumLengths(fresh);
    if (entry.bytes + added > this.maxBytes) {
      return Promise.reject(
        conversationTooLargeForMemory(
          entry.bytes + added,
          this.maxBytes,
          'items',
        ),
      );
    }
    const wasAt = entry.version;
    entry.items.push(...fresh);
    for (const item of fresh) {
      if (item.id !== undefined) {
        entry.byId.set(item.id, item);
      }
    }
    entry.version += 1;
    entry.lastTurn =
      turn?.readVersion === wasAt && fresh.length === items.length
        ? { responseId: turn.responseId, version: entry.version }
        : undefined;
    this.resize(entry, added);
    this.evict(id);
    return Promise.resolve('appended');
  }

  deleteItem(
    id: string,
    itemId: string,
    filter: OwnerFilter = {},
  ): Promise<ItemDeletion | undefined> {
    const entry = this.touch(id, filter);
    if (!entry) {
      return Promise.resolve(undefined);
    }
    const item = entry.byId.get(itemId);
    if (item !== undefined) {
      entry.items.splice(entry.items.indexOf(item), 1);
      entry.byId.delete(itemId);
      entry.version += 1;
      this.resize(entry, -jsonLength(item));
    }
    return Promise.resolve({
      conversation: entry.record,
      deleted: item !== undefined,
    });
  }

  delete(id: string, filter: OwnerFilter = {}): Promise<boolean> {
    const entry = this.entries.get(id);
    if (!entry || !passes(entry.record, filter)) {
      return Promise.resolve(false);
    }
    this.remove(id);
    return Promise.resolve(true);
  }

  /** The entry, made the most recent, unless filtered out (then left as it was). */
  private touch(id: string, filter: OwnerFilter): Entry | undefined {
    const entry = this.entries.get(id);
    if (!entry || !passes(entry.record, filter)) {
      return undefined;
    }
    this.entries.delete(id);
    this.entries.set(id, entry);
    entry.usedAt = this.ledger.stamp();
    return entry;
  }

  oldestUse(): number | undefined {
    return this.entries.values().next().value?.usedAt;
  }

  evictOldest(): void {
    const oldest = this.entries.keys().next().value;
    if (oldest !== undefined) {
      this.remove(oldest);
    }
  }

  private resize(entry: Entry, delta: number): void {
    entry.bytes += delta;
    this.totalBytes += delta;
  }

  /**
   * Drops its least recently used conversations past its capacity (never
   * `keep`), then the least recently used entries of any store sharing the
   * ledger past the byte budget (`keep`, just used, goes last).
   */
  private evict(keep: string): void {
    for (const id of this.entries.keys()) {
      if (this.entries.size <= this.options.capacity) {
        break;
      }
      if (id !== keep) {
        this.remove(id);
      }
    }
    this.ledger.fit(this.maxBytes);
  }

  private remove(id: string): void {
    const entry = this.entries.get(id);
    if (entry) {
      this.entries.delete(id);
      this.totalBytes -= entry.bytes;
    }
  }
}

function jsonLength(value: unknown): number {
  return JSON.stringify(value)?.length ?? 0;
}

function sumLengths(items: readonly ResponseInputItem[]): number {
  return items.reduce((sum, item) => sum + jsonLength(item), 0);
}
