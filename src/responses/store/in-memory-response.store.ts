import type { ResponseInputItem } from '../../protocol/responses.types.js';
import {
  conversationItems,
  MAX_CHAIN_LINKS,
  maxChainLinks,
  ownerOf,
  passes,
  type OwnerFilter,
  type ResponseStore,
  type SaveOptions,
  type StoredItem,
  type StoredResponse,
  type StoredTurn,
} from './response-store.js';
import type { MemoryHolder, MemoryStoreLedger } from './memory-store-ledger.js';
import {
  conversationIncomplete,
  conversationTooLarge,
} from './store-errors.js';
import { storedTurnJson } from './stored-turn-json.js';

/** One stored response and its place in its conversation. */
interface Node {
  /** `history` holds only what no linked response holds: [] when linked. */
  turn: StoredResponse;
  /** The response of this store this one continues. */
  previousId: string | undefined;
  /** How many responses link to this one. */
  children: number;
  /** Deleted by the client, kept only as the history of its children. */
  deleted: boolean;
  /** The length of the turn's JSON: what the byte budget counts. */
  bytes: number;
  /** The shared ledger's stamp of its last use (0 without a ledger). */
  usedAt?: number;
}

/** A response's chain: itself, then what it links to, nearest first. */
interface Chain {
  links: [string, Node][];
  /** False when a link leads to a response that is gone. */
  whole: boolean;
}

/**
 * An LRU bounded by count (`capacity`) and by size (`maxBytes`, the summed
 * length of the entries' JSON). A turn that continues another one links to
 * it instead of copying the history. Reading or saving a turn makes its
 * whole chain the most recent, the older turns last, so eviction always
 * takes a response before the ones it links to. A turn whose chain is
 * larger than `maxBytes` is refused.
 */
export class InMemoryResponseStore implements ResponseStore, MemoryHolder {
  /** Least recently used first. */
  private readonly nodes = new Map<string, Node>();
  /** item id → id of the response that holds it. */
  private readonly itemHolders = new Map<string, string>();
  private totalBytes = 0;
  private readonly maxLinks: number;

  constructor(
    private readonly capacity: number,
    private readonly maxBytes = Number.POSITIVE_INFINITY,
    /** Shares maxBytes with the process's other in-memory stores. */
    private readonly ledger?: MemoryStoreLedger,
  ) {
    this.maxLinks = maxChainLinks(capacity);
    ledger?.join(this);
  }

  /** Responses held, deleted ones still linked to included. */
  get size(): number {
    return this.nodes.size;
  }

  /** What the byte budget counts now. */
  get bytes(): number {
    return this.totalBytes;
  }

  assertAvailable(): void {
    // In the process: always there.
  }

  save(entry: StoredResponse, options: SaveOptions = {}): Promise<void> {
    const id = entry.response.id;
    const previousId = this.linkTarget(id, options.continues);
    const turn: StoredResponse = {
      response: entry.response,
      history: previousId === undefined ? entry.history : [],
      inputItems: entry.inputItems,
      ...ownerOf(entry),
    };
    const bytes = storedTurnJson(turn).length;
    const chainBytes =
      bytes +
      (previousId === undefined ? 0 : sumBytes(this.chainOf(previousId).links));
    if (chainBytes > this.maxBytes) {
      return Promise.reject(conversationTooLarge(chainBytes, this.maxBytes));
    }
    const children = this.nodes.get(id)?.children ?? 0;
    this.remove(id);
    this.nodes.set(id, { turn, previousId, children, deleted: false, bytes });
    this.totalBytes += bytes;
    for (const item of ownItems(turn)) {
      if (typeof item.id === 'string') {
        this.itemHolders.set(item.id, id);
      }
    }
    if (previousId !== undefined) {
      this.nodes.get(previousId)!.children += 1;
    }
    this.touch(this.chainOf(id));
    this.evict();
    return Promise.resolve();
  }

  get(
    id: string,
    filter: OwnerFilter = {},
  ): Promise<StoredResponse | undefined> {
    const node = this.visible(id, filter);
    if (!node) {
      return Promise.resolve(undefined);
    }
    const chain = this.chainOf(id);
    this.touch(chain);
    if (!chain.whole) {
      return Promise.reject(conversationIncomplete(id));
    }
    const history =
      node.previousId === undefined
        ? node.turn.history
        : chain.links
            .slice(1)
            .reverse()
            .flatMap(([, ancestor]) => conversationItems(ancestor.turn));
    return Promise.resolve({ ...node.turn, history });
  }

  getTurn(
    id: string,
    filter: OwnerFilter = {},
  ): Promise<StoredTurn | undefined> {
    const node = this.visible(id, filter);
    if (node) {
      this.touch(this.chainOf(id));
    }
    return Promise.resolve(
      node && {
        response: node.turn.response,
        inputItems: node.turn.inputItems,
        ...ownerOf(node.turn),
      },
    );
  }

  delete(id: string, filter: OwnerFilter = {}): Promise<boolean> {
    const node = this.visible(id, filter);
    if (!node) {
      return Promise.resolve(false);
    }
    if (node.children > 0) {
      // Later turns continue from it: hidden, but still their history.
      node.deleted = true;
      this.unindexItems(id, node);
    } else {
      this.remove(id);
    }
    return Promise.resolve(true);
  }

  getItem(itemId: string): Promise<StoredItem | undefined> {
    const holder = this.itemHolders.get(itemId);
    const node = holder === undefined ? undefined : this.visible(holder);
    const item = node && ownItems(node.turn).find(({ id }) => id === itemId);
    return Promise.resolve(item && { item, ...ownerOf(node.turn) });
  }

  /** The node of `id` unless deleted or filtered out. */
  private visible(id: string, filter: OwnerFilter = {}): Node | undefined {
    const node = this.nodes.get(id);
    return node && !node.deleted && passes(node.turn, filter)
      ? node
      : undefined;
  }

  /** `continues` when this turn may link to it: a visible response whose chain is whole and short enough. */
  private linkTarget(id: string, continues?: string): string | undefined {
    if (
      continues === undefined ||
      continues === id ||
      !this.visible(continues)
    ) {
      return undefined;
    }
    const chain = this.chainOf(continues);
    return chain.whole && chain.links.length <= this.maxLinks
      ? continues
      : undefined;
  }

  private chainOf(id: string): Chain {
    const links: [string, Node][] = [];
    let current: string | undefined = id;
    while (current !== undefined) {
      const node = this.nodes.get(current);
      if (!node || links.length > MAX_CHAIN_LINKS) {
        return { links, whole: false };
      }
      links.push([current, node]);
      current = node.previousId;
    }
    return { links, whole: true };
  }

  /** Makes the chain the most recent, each response before the ones it links to. */
  private touch(chain: Chain): void {
    for (const [id, node] of chain.links) {
      this.nodes.delete(id);
      this.nodes.set(id, node);
      node.usedAt = this.ledger?.stamp() ?? 0;
    }
  }

  // With a ledger, past the shared budget the least recently used entry of
  // any in-memory store goes (MemoryStoreLedger.fit).
  private evict(): void {
    while (
      this.nodes.size > this.capacity ||
      (this.ledger === undefined && this.totalBytes > this.maxBytes)
    ) {
      const oldest = this.nodes.keys().next().value;
      if (oldest === undefined) {
        return;
      }
      this.remove(oldest);
    }
    this.ledger?.fit(this.maxBytes);
  }

  oldestUse(): number | undefined {
    return this.nodes.values().next().value?.usedAt;
  }

  evictOldest(): void {
    const oldest = this.nodes.keys().next().value;
    if (oldest !== undefined) {
      this.remove(oldest);
    }
  }

  /** Removes a response; then a deleted response nothing links to any more. */
  private remove(id: string): void {
    let current: string | undefined = id;
    while (current !== undefined) {
      const node = this.nodes.get(current);
      if (!node) {
        return;
      }
      this.nodes.delete(current);
      this.totalBytes -= node.bytes;
      this.unindexItems(current, node);
      const parent =
        node.previousId === undefined
          ? undefined
          : this.nodes.get(node.previousId);
      if (parent) {
        parent.children -= 1;
      }
      current =
        parent && parent.deleted && parent.children <= 0
          ? node.previousId
          : undefined;
    }
  }

  private unindexItems(id: string, node: Node): void {
    for (const item of ownItems(node.turn)) {
      if (typeof item.id === 'string' && this.itemHolders.get(item.id) === id) {
        this.itemHolders.delete(item.id);
      }
    }
  }
}

function ownItems(turn: StoredTurn): ResponseInputItem[] {
  return [...turn.inputItems, ...turn.response.output];
}

function sumBytes(links: readonly [string, Node][]): number {
  return links.reduce((sum, [, node]) => sum + node.bytes, 0);
}
