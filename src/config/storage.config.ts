import { registerAs } from '@nestjs/config';
import { knownSecrets } from '../common/logging/secret-redactor.js';
import { urlPasswords } from '../common/logging/url-secrets.js';
import { memoryStoreMaxBytes } from './memory-store-budget.js';
import { readEnvironment } from './read-environment.js';

export const storageConfig = registerAs('storage', () => {
  const env = readEnvironment().storage;
  knownSecrets.add(...urlPasswords(env.REDIS_URL));
  return {
    redisUrl: env.REDIS_URL,
    responseTtlSeconds: env.RESPONSE_TTL_SECONDS,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    /** The in-memory store's byte budget (shared with the in-memory conversations; also each WebSocket connection's cache). */
    memoryStoreMaxBytes: memoryStoreMaxBytes(env.MEMORY_STORE_MAX_BYTES),
    /** Items a conversation may hold (the Conversations API). */
    conversationMaxItems: env.CONVERSATION_MAX_ITEMS,
    /** Conversations the in-memory store keeps. */
    maxConversations: env.MAX_CONVERSATIONS,
  };
});
