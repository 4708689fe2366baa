import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import type { ResponseInputItem } from '../core/responses.types.js';
import { RESPONSE_STORE_SCRIPTS, type RedisScript } from './redis-scripts.js';
import type { ResponseStore, StoredResponse } from './response-store.js';

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
    /** `<response>` + id → the StoredResponse as JSON. */
    response: `${prefix}response:`,
    /** `<item-set>` + response id → set of its item ids. */
    itemSet: `${prefix}response-items:`,
    /** `<item>` + item id → id of the response that holds it. */
    item: `${prefix}item:`,
  };
}

// Bounded waits: a Redis that is down or slow fails the request with a 503
// instead of holding it open.
const CONNECTION_OPTIONS = {
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 2_000,
  commandTimeout: 2_000,
} as const;

/**
 * The ResponseStore shared by every replica: one JSON value per response,
 * an item index for item_reference, and a sorted set of ids by last use that
 * bounds the store like the in-memory LRU. Each operation is one Lua script,
 * so concurrent replicas never see half an eviction. Every key carries the
 * TTL, refreshed on use. Redis failures become a 503 `service_unavailable`.
 */
export class RedisResponseStore
  implements ResponseStore, OnApplicationShutdown
{
  private readonly keys: ReturnType<typeof redisStoreKeys>;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisResponseStoreOptions,
  ) {
    this.keys = redisStoreKeys(options.keyPrefix);
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
    const logger = new Logger(RedisResponseStore.name);
    const redis = new Redis(url, {
      ...CONNECTION_OPTIONS,
      // Names the connection in CLIENT LIST; Redis allows printable ASCII only.
      connectionName: `open-responses-gateway:${options.keyPrefix}`.replace(
        /[^!-~]/g,
        '_',
      ),
    });
    let healthy = true;
    // Without a listener ioredis prints every reconnect failure to the console.
    redis.on('error', (error: Error) => {
      if (healthy) {
        healthy = false;
        logger.warn(
          { err: error },
          'the response store (Redis) is unreachable',
        );
      }
    });
    redis.on('ready', () => {
      if (!healthy) {
        healthy = true;
        logger.log('the response store (Redis) is reachable again');
      }
    });
    // A failed first connect rejects, then the client retries on its own.
    await redis.connect().catch(() => undefined);
    return new RedisResponseStore(redis, options);
  }

  async save(entry: StoredResponse): Promise<void> {
    const itemIds = itemsOf(entry)
      .map((item) => item.id)
      .filter((id): id is string => typeof id === 'string');
    await this.run(RESPONSE_STORE_SCRIPTS.save, [
      this.options.ttlSeconds,
      entry.response.id,
      JSON.stringify(entry),
      this.options.capacity,
      ...new Set(itemIds),
    ]);
  }

  async get(id: string): Promise<StoredResponse | undefined> {
    const json = await this.run(RESPONSE_STORE_SCRIPTS.get, [
      this.options.ttlSeconds,
      id,
    ]);
    return typeof json === 'string'
      ? (JSON.parse(json) as StoredResponse)
      : undefined;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.run(RESPONSE_STORE_SCRIPTS.delete, [id])) === 1;
  }

  async getItem(itemId: string): Promise<ResponseInputItem | undefined> {
    const json = await this.run(RESPONSE_STORE_SCRIPTS.getItem, [itemId]);
    if (typeof json !== 'string') {
      return undefined;
    }
    return itemsOf(JSON.parse(json) as StoredResponse).find(
      (item) => item.id === itemId,
    );
  }

  /** Closes the connection: QUIT when connected, else stop reconnecting. */
  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status === 'ready') {
      try {
        await this.redis.quit();
        return;
      } catch {
        // Fall through: the connection broke while quitting.
      }
    }
    this.redis.disconnect();
  }

  private async run(
    script: RedisScript,
    args: readonly (string | number)[],
  ): Promise<unknown> {
    const { lru, clock, response, itemSet, item } = this.keys;
    try {
      return await script.run(
        this.redis,
        [lru, clock],
        [response, itemSet, item, ...args],
      );
    } catch (error) {
      throw new GatewayException(
        'service_unavailable',
        'The response store is unavailable; try again later.',
        { cause: error },
      );
    }
  }
}

function itemsOf(entry: StoredResponse): ResponseInputItem[] {
  return [...entry.inputItems, ...entry.response.output];
}
