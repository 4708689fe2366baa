import type { Provider } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Registry } from 'prom-client';
import { conversationConfig } from '../../config/conversation.config.js';
import { storageConfig } from '../../config/storage.config.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import {
  CountedResponseStore,
  StoreFailureMetrics,
} from './counted-response.store.js';
import { InMemoryResponseStore } from './in-memory-response.store.js';
import { MemoryStoreLedger } from './memory-store-ledger.js';
import type { RedisResponseStoreOptions } from './redis-response.store.js';
import { RESPONSE_STORE, type ResponseStore } from './response-store.js';

/** Loaded with REDIS_URL only: a gateway without Redis never holds ioredis. */
async function connectRedisStore(
  url: string,
  options: RedisResponseStoreOptions,
): Promise<ResponseStore> {
  const { RedisResponseStore } = await import('./redis-response.store.js');
  return RedisResponseStore.connect(url, options);
}

/** The ResponseStore, counted by gateway_store_failures_total. */
export const RESPONSE_STORE_PROVIDERS: Provider[] = [
  {
    provide: StoreFailureMetrics,
    inject: [{ token: MetricsService, optional: true }],
    // Without a MetricsService (a test module) it counts into a registry of its own.
    useFactory: (metrics?: MetricsService) =>
      new StoreFailureMetrics(metrics?.registry ?? new Registry()),
  },
  // The byte budget the in-memory response and conversation stores share.
  { provide: MemoryStoreLedger, useFactory: () => new MemoryStoreLedger() },
  {
    provide: RESPONSE_STORE,
    inject: [
      conversationConfig.KEY,
      storageConfig.KEY,
      StoreFailureMetrics,
      MemoryStoreLedger,
    ],
    // Redis when REDIS_URL is set (shared by replicas, survives restarts);
    // otherwise the embedded in-memory LRU. Either way its failures are counted.
    useFactory: async (
      conversation: ConfigType<typeof conversationConfig>,
      storage: ConfigType<typeof storageConfig>,
      metrics: StoreFailureMetrics,
      ledger: MemoryStoreLedger,
    ): Promise<ResponseStore> => {
      const store: ResponseStore = storage.redisUrl
        ? await connectRedisStore(storage.redisUrl, {
            capacity: conversation.maxConversationHistory,
            ttlSeconds: storage.responseTtlSeconds,
            keyPrefix: storage.redisKeyPrefix,
          })
        : new InMemoryResponseStore(
            conversation.maxConversationHistory,
            storage.memoryStoreMaxBytes,
            ledger,
          );
      return new CountedResponseStore(store, metrics);
    },
  },
];
