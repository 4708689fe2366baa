import { Redis } from 'ioredis';

/** What tells one of the gateway's Redis connections from another. */
export interface RedisClientOptions {
  /** Its name in CLIENT LIST, e.g. `open-responses-gateway:orgw:`. */
  name: string;
  /** Milliseconds a command may wait for its answer before it fails. */
  commandTimeoutMs: number;
}

/**
 * A client of `url` for a store on the path of requests: while it is not
 * connected a command fails at once (no offline queue) rather than holding
 * its request, a slow one fails after `commandTimeoutMs`, and the client
 * reconnects in the background. It is not connected yet (lazyConnect):
 * its owner calls `connect()` when it wants the connection. Loaded with
 * REDIS_URL only, by the Redis stores, which are imported on demand.
 */
export function redisClient(url: string, options: RedisClientOptions): Redis {
  return new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: options.commandTimeoutMs,
    // Redis allows printable ASCII only in a connection name.
    connectionName: options.name.replace(/[^!-~]/g, '_'),
  });
}

/** Lets go of `redis`: QUIT when connected, else stop reconnecting. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    try {
      await redis.quit();
      return;
    } catch {
      // Fall through: the connection broke while quitting.
    }
  }
  redis.disconnect();
}
