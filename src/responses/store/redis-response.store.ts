import type { OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { closeRedis } from '../../common/redis/redis-client.js';
import type { ResponseInputItem } from '../../protocol/responses.types.js';
import { withoutCommandArguments } from './redis-command-redaction.js';
import { RESPONSE_STORE_SCRIPTS, type RedisScript } from './redis-scripts.js';
import {
  conversationItems,
  MAX_CHAIN_LINKS,
  maxChainLinks,
  ownerOf,
  type OwnerFilter,
  type ResponseStore,
  type SaveOptions,
  type StoredItem,
  type StoredResponse,
  type StoredTurn,
} from './response-store.js';
import { conversationIncomplete, storeUnavailable } from './store-errors.js';
import { connectStoreRedis } from './store-redis-connection.js';
import { storedTurnJson } from './stored-turn-json.js';

/** How a RedisResponseStore bounds and names what it writes. */
export interface RedisResponseStoreOptions {
  /** Responses kept; saving past it evicts the least recently used. */
  capacity: number;
  /** Seconds every key lives after the response's last save or get. */
  ttlSeconds: number;
  /** Prefix of every key, e.g. `orgw:`. */
  keyPrefix: string;
}

/** Every key a store with `prefix` writes, in one place. */
export function redisStoreKeys(prefix: string) {
  return {
    /** Sorted set of response ids, scored by last use. */
    lru: `${prefix}lru`,
    /** Counter giving the last-use scores. */
    clock: `${prefix}clock`,
    /** `<record>` + id → hash: the turn's JSON, its link, its children (see redis-scripts.ts). */
    record: `${prefix}record:`,
    /** `<legacy>` + id → a whole StoredResponse as JSON, as written before links; read and removed only. */
    legacy: `${prefix}response:`,
    /** `<item-set>` + response id → set of its item ids. */
    itemSet: `${prefix}response-items:`,
    /** `<item>` + item id → id of the response that holds it. */
    item: `${prefix}item:`,
  };
}

/** What SAVE answers when the record cannot link to the response it continues. */
const NOT_LINKED = -1;

/**
 * The ResponseStore shared by every replica: one hash per response holding
 * its own turn and a link to the response it continues (so a conversation
 * takes space linear in its length), an item index for item_reference, and
 * a sorted set of ids by last use that bounds the store like the in-memory
 * LRU. Each operation is one Lua script, so concurrent replicas never see
 * half an eviction. Every key carries the TTL, refreshed on use along the
 * whole chain. Redis failures become a 503 `store_unavailable`.
 */
export class RedisResponseStore
  implements ResponseStore, OnApplicationShutdown
{
  private readonly keys: ReturnType<typeof redisStoreKeys>;
  private readonly maxLinks: number;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisResponseStoreOptions,
  ) {
    this.keys = redisStoreKeys(options.keyPrefix);
    this.maxLinks = maxChainLinks(options.capacity);
  }

  /**
   * Connects to `url` and returns a store owning that connection. A Redis
   * that is down does not stop the start: requests that need the store get a
   * 503 while the client keeps reconnecting in the background.
   */
  static async connect(
    url: string,
    options: RedisResponseStoreOptions,
  ): Promise<RedisResponseStore> {
    const redis = await connectStoreRedis(url, {
      clientName: `open-responses-gateway:${options.keyPrefix}`,
      what: 'the response store',
      loggerName: RedisResponseStore.name,
    });
    return new RedisResponseStore(redis, options);
  }

  /** Down unless the connection is ready: connecting, reconnecting and closed all count. */
  assertAvailable(): void {
    if (this.redis.status !== 'ready') {
      throw storeUnavailable();
    }
  }

  async save(entry: StoredResponse, options: SaveOptions = {}): Promise<void> {
    const own: StoredTurn = {
      response: entry.response,
      inputItems: entry.inputItems,
      ...ownerOf(entry),
    };
    if (options.continues !== undefined && this.maxLinks > 0) {
      const linked = await this.runSave(own, options.continues);
      if (linked !== NOT_LINKED) {
        return;
      }
    }
    await this.runSave({ ...own, history: entry.history }, '');
  }

  async get(
    id: string,
    filter: OwnerFilter = {},
  ): Promise<StoredResponse | undefined> {
    const chain = await this.chainOf(id, true, filter);
    if (chain === undefined) {
      return undefined;
    }
    const [turn, ...ancestors] = chain.records;
    if (!chain.whole) {
      throw conversationIncomplete(id);
    }
    const history =
      ancestors.length === 0
        ? (turn!.history ?? [])
        : ancestors
            .reverse()
            .flatMap((record) => conversationItems(withHistory(record)));
    return { ...withHistory(turn!), history };
  }

  async getTurn(
    id: string,
    filter: OwnerFilter = {},
  ): Promise<StoredTurn | undefined> {
    const record = (await this.chainOf(id, false, filter))?.records[0];
    return (
      record && {
        response: record.response,
        inputItems: record.inputItems,
        ...ownerOf(record),
      }
    );
  }

  async delete(id: string, filter: OwnerFilter = {}): Promise<boolean> {
    const reply = await this.run(RESPONSE_STORE_SCRIPTS.delete, [
      id,
      ...ownerArguments(filter),
    ]);
    return reply === 1;
  }

  async getItem(itemId: string): Promise<StoredItem | undefined> {
    const json = await this.run(RESPONSE_STORE_SCRIPTS.getItem, [itemId]);
    if (typeof json !== 'string') {
      return undefined;
    }
    const record = JSON.parse(json) as StoredRecord;
    const item = [...record.inputItems, ...record.response.output].find(
      ({ id }) => id === itemId,
    );
    return item && { item, ...ownerOf(record) };
  }

  /** Closes the connection: QUIT when connected, else stop reconnecting. */
  onApplicationShutdown(): Promise<void> {
    return closeRedis(this.redis);
  }

  /** Saves `record`, linked to `previousId` unless ''; NOT_LINKED when it could not link. */
  private async runSave(
    record: StoredRecord,
    previousId: string,
  ): Promise<unknown> {
    const itemIds = [...record.inputItems, ...record.response.output]
      .map((item) => item.id)
      .filter((id): id is string => typeof id === 'string');
    return this.run(RESPONSE_STORE_SCRIPTS.save, [
      this.options.ttlSeconds,
      record.response.id,
      storedTurnJson(record),
      this.options.capacity,
      this.maxLinks,
      previousId,
      record.owner ?? '',
      ...new Set(itemIds),
    ]);
  }

  /** The record of `id` then the ones it links to, nearest first; refreshes them all. */
  private async chainOf(
    id: string,
    collect: boolean,
    filter: OwnerFilter,
  ): Promise<{ records: StoredRecord[]; whole: boolean } | undefined> {
    const reply = await this.run(RESPONSE_STORE_SCRIPTS.get, [
      this.options.ttlSeconds,
      id,
      collect ? '1' : '0',
      MAX_CHAIN_LINKS,
      ...ownerArguments(filter),
    ]);
    if (!Array.isArray(reply)) {
      return undefined;
    }
    const [state, ...jsons] = reply as string[];
    return {
      records: jsons.map((json) => JSON.parse(json) as StoredRecord),
      whole: state === 'whole',
    };
  }

  private async run(
    script: RedisScript,
    args: readonly (string | number)[],
  ): Promise<unknown> {
    const { lru, clock, record, legacy, itemSet, item } = this.keys;
    try {
      return await script.run(
        this.redis,
        [lru, clock],
        [record, legacy, itemSet, item, ...args],
      );
    } catch (error) {
      // Logged as the 503's cause: without the arguments (a whole turn's JSON).
      throw storeUnavailable(withoutCommandArguments(error));
    }
  }
}

/** A record's JSON: its own turn, and `history` only when it links to nothing. */
type StoredRecord = StoredTurn & { history?: ResponseInputItem[] };

/** An OwnerFilter as the scripts take it: '1' and the owner, or '0' and ''. */
function ownerArguments({ ifOwnedBy }: OwnerFilter): [string, string] {
  return ifOwnedBy === undefined ? ['0', ''] : ['1', ifOwnedBy];
}

function withHistory(record: StoredRecord): StoredResponse {
  return {
    response: record.response,
    history: record.history ?? [],
    inputItems: record.inputItems,
    ...ownerOf(record),
  };
}
