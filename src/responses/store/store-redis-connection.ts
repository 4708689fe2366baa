import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { redisClient } from '../../common/redis/redis-client.js';
import { withoutCommandArguments } from './redis-command-redaction.js';

// A Redis that is down or slow fails the request with a 503 instead of
// holding it open.
const COMMAND_TIMEOUT_MS = 2_000;

/** Who a store's Redis connection is for: its client name and its log lines. */
export interface StoreConnectionLabel {
  /** The CLIENT SETNAME of the connection (operators see it in CLIENT LIST). */
  clientName: string;
  /** What log lines call the store, e.g. "the response store". */
  what: string;
  /** The logger's context. */
  loggerName: string;
}

/**
 * A connected (or, when Redis is down, reconnecting) client for a store,
 * which logs one warning when Redis becomes unreachable and one line when
 * it is back, never a command's arguments.
 */
export async function connectStoreRedis(
  url: string,
  label: StoreConnectionLabel,
): Promise<Redis> {
  const logger = new Logger(label.loggerName);
  const redis = redisClient(url, {
    name: label.clientName,
    commandTimeoutMs: COMMAND_TIMEOUT_MS,
  });
  let healthy = true;
  // Without a listener ioredis prints every reconnect failure to the console.
  redis.on('error', (error: Error) => {
    if (healthy) {
      healthy = false;
      // A failed AUTH carries the password in its command's arguments.
      logger.warn(
        { err: withoutCommandArguments(error) },
        `${label.what} (Redis) is unreachable`,
      );
    }
  });
  redis.on('ready', () => {
    if (!healthy) {
      healthy = true;
      logger.log(`${label.what} (Redis) is reachable again`);
    }
  });
  // A failed first connect rejects, then the client retries on its own.
  await redis.connect().catch(() => undefined);
  return redis;
}
