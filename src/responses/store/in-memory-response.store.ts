import type { ResponseInputItem } from '../core/responses.types.js';
import type { ResponseStore, StoredResponse } from './response-store.js';

/**
 * An LRU of at most `capacity` responses: reading a response makes it the
 * most recent; saving past capacity evicts the least recently used one with
 * its items.
 */
export class InMemoryResponseStore implements ResponseStore {
  private readonly entries = new Map<string, StoredResponse>();
  /** item id → id of the response that holds it. */
  private readonly itemOwners = new Map<string, string>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  save(entry: StoredResponse): Promise<void> {
    const id = entry.response.id;
    this.removeEntry(id);
    this.entries.set(id, entry);
    for (const item of [...entry.inputItems, ...entry.response.output]) {
      if (typeof item.id === 'string') {
        this.itemOwners.set(item.id, id);
      }
    }
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.removeEntry(oldest);
    }
    return Promise.resolve();
  }

  get(id: string): Promise<StoredResponse | undefined> {
    const entry = this.entries.get(id);
    if (entry) {
      // Re-insert to mark it as the most recently used.
      this.entries.delete(id);
      this.entries.set(id, entry);
    }
    return Promise.resolve(entry);
  }

  delete(id: string): Promise<boolean> {
    return Promise.resolve(this.removeEntry(id));
  }

  getItem(itemId: string): Promise<ResponseInputItem | undefined> {
    const owner = this.itemOwners.get(itemId);
    const entry = owner ? this.entries.get(owner) : undefined;
    const item = entry
      ? [...entry.inputItems, ...entry.response.output].find(
          (i) => i.id === itemId,
        )
      : undefined;
    return Promise.resolve(item);
  }

  private removeEntry(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) {
      return false;
    }
    this.entries.delete(id);
    for (const item of [...entry.inputItems, ...entry.response.output]) {
      if (typeof item.id === 'string' && this.itemOwners.get(item.id) === id) {
        this.itemOwners.delete(item.id);
      }
    }
    return true;
  }
}
