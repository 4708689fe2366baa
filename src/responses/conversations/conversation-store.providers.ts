import type { Provider } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { storageConfig } from '../../config/storage.config.js';
import { MemoryStoreLedger } from '../store/memory-store-ledger.js';
import {
  CONVERSATION_STORE,
  type ConversationStore,
} from './conversation-store.js';
import { InMemoryConversationStore } from './in-memory-conversation.store.js';
import type { RedisConversationStoreOptions } from './redis-conversation.store.js';

/** Loaded with REDIS_URL only: a gateway without Redis never holds ioredis. */
async function connectRedisStore(
  url: string,
  options: RedisConversationStoreOptions,
): Promise<ConversationStore> {
  const { RedisConversationStore } =
    await import('./redis-conversation.store.js');
  return RedisConversationStore.connect(url, options);
}

/**
 * The ConversationStore beside the response store: in Redis when REDIS_URL
 * is set (same prefix and TTL), else in memory within the response
 * store's byte budget (MemoryStoreLedger, from RESPONSE_STORE_PROVIDERS).
 */
export const CONVERSATION_STORE_PROVIDERS: Provider[] = [
  {
    provide: CONVERSATION_STORE,
    inject: [storageConfig.KEY, MemoryStoreLedger],
    useFactory: async (
      storage: ConfigType<typeof storageConfig>,
      ledger: MemoryStoreLedger,
    ): Promise<ConversationStore> =>
      storage.redisUrl
        ? connectRedisStore(storage.redisUrl, {
            maxItems: storage.conversationMaxItems,
            ttlSeconds: storage.responseTtlSeconds,
            keyPrefix: storage.redisKeyPrefix,
          })
        : new InMemoryConversationStore({
            maxItems: storage.conversationMaxItems,
            capacity: storage.maxConversations,
            maxBytes: storage.memoryStoreMaxBytes,
            ledger,
          }),
  },
];
