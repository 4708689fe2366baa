import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { conversationConfig } from '../config/conversation.config.js';
import { responsesConfig } from '../config/responses.config.js';
import { storageConfig } from '../config/storage.config.js';
import { CompactController } from './compact/compact.controller.js';
import { CompactService } from './compact/compact.service.js';
import { CompactionSeal } from './compact/compaction-seal.js';
import { ResponsesController } from './responses.controller.js';
import { ResponsesService } from './responses.service.js';
import { TurnPreparationService } from './turn-preparation.service.js';
import { UpstreamResponsesController } from './upstream-responses.controller.js';
import { InMemoryResponseStore } from './store/in-memory-response.store.js';
import { RedisResponseStore } from './store/redis-response.store.js';
import { RESPONSE_STORE, type ResponseStore } from './store/response-store.js';
import { ResponsesWebSocketRoutes } from './websocket/responses-websocket.routes.js';

@Module({
  controllers: [
    CompactController,
    ResponsesController,
    UpstreamResponsesController,
  ],
  providers: [
    ResponsesService,
    TurnPreparationService,
    CompactService,
    ResponsesWebSocketRoutes,
    {
      // One key for sealing and opening: with COMPACTION_SECRET unset it is
      // random, so compaction items only open in this process.
      provide: CompactionSeal,
      inject: [responsesConfig.KEY],
      useFactory: (responses: ConfigType<typeof responsesConfig>) =>
        new CompactionSeal(responses.compactionSecret),
    },
    {
      provide: RESPONSE_STORE,
      inject: [conversationConfig.KEY, storageConfig.KEY],
      // Redis when REDIS_URL is set (shared by replicas, survives restarts);
      // otherwise the embedded in-memory LRU.
      useFactory: (
        conversation: ConfigType<typeof conversationConfig>,
        storage: ConfigType<typeof storageConfig>,
      ): ResponseStore | Promise<ResponseStore> =>
        storage.redisUrl
          ? RedisResponseStore.connect(storage.redisUrl, {
              capacity: conversation.maxConversationHistory,
              ttlSeconds: storage.responseTtlSeconds,
              keyPrefix: storage.redisKeyPrefix,
            })
          : new InMemoryResponseStore(conversation.maxConversationHistory),
    },
  ],
})
export class ResponsesModule {}
