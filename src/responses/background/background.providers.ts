import type { Provider } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { responsesConfig } from '../../config/responses.config.js';
import { storageConfig } from '../../config/storage.config.js';
import {
  InMemoryRunCoordination,
  type RunCoordination,
} from './run-coordination.js';
import {
  InMemoryRunEventLog,
  type RunEventLog,
  type RunEventLogOptions,
} from './run-event-log.js';

/** Where background runs keep their events and agree with other replicas. */
export interface BackgroundBackend {
  log: RunEventLog;
  coordination: RunCoordination;
  close(): Promise<void>;
}

/** Nest injection token of the BackgroundBackend. */
export const BACKGROUND_BACKEND = Symbol('BackgroundBackend');

/** A replica that stops renewing its lease (killed, hung) loses it after this long. */
const LEASE_MS = 5_000;

/** The backend of one process: no other replica to agree with. */
export function inMemoryBackgroundBackend(
  options: RunEventLogOptions,
): BackgroundBackend {
  const log = new InMemoryRunEventLog(options);
  const coordination = new InMemoryRunCoordination();
  return {
    log,
    coordination,
    close: async () => {
      await Promise.all([log.close(), coordination.close()]);
    },
  };
}

/** Loaded with REDIS_URL only: a gateway without Redis never holds ioredis. */
async function redisBackgroundBackend(
  url: string,
  keyPrefix: string,
  options: RunEventLogOptions,
): Promise<BackgroundBackend> {
  const [{ redisClient, closeRedis }, { RedisRunEventLog }, coordination] =
    await Promise.all([
      import('../../common/redis/redis-client.js'),
      import('./redis-run-event-log.js'),
      import('./redis-run-coordination.js'),
    ]);
  const redis = redisClient(url, {
    name: `open-responses-gateway:${keyPrefix}background`,
    commandTimeoutMs: 2_000,
  });
  // Failures reach the requests that need Redis; the store logs the outage.
  redis.on('error', () => undefined);
  await redis.connect().catch(() => undefined);
  const runs = new coordination.RedisRunCoordination(redis, {
    keyPrefix,
    leaseMs: LEASE_MS,
    ttlSeconds: options.ttlSeconds,
  });
  return {
    log: new RedisRunEventLog(redis, keyPrefix, options),
    coordination: runs,
    close: async () => {
      await runs.close();
      await closeRedis(redis);
    },
  };
}

/** The BackgroundBackend: in Redis when REDIS_URL is set, else in the process. */
export const BACKGROUND_PROVIDERS: Provider[] = [
  {
    provide: BACKGROUND_BACKEND,
    inject: [responsesConfig.KEY, storageConfig.KEY],
    useFactory: (
      responses: ConfigType<typeof responsesConfig>,
      storage: ConfigType<typeof storageConfig>,
    ): Promise<BackgroundBackend> | BackgroundBackend => {
      const options = {
        maxEvents: responses.backgroundMaxEvents,
        ttlSeconds: responses.backgroundEventsTtlSeconds,
      };
      return storage.redisUrl
        ? redisBackgroundBackend(
            storage.redisUrl,
            storage.redisKeyPrefix,
            options,
          )
        : inMemoryBackgroundBackend(options);
    },
  },
];
