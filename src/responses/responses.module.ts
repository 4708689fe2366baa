import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { conversationConfig } from '../config/conversation.config.js';
import { ResponsesController } from './responses.controller.js';
import { ResponsesService } from './responses.service.js';
import { InMemoryResponseStore } from './store/in-memory-response.store.js';
import { RESPONSE_STORE } from './store/response-store.js';

@Module({
  controllers: [ResponsesController],
  providers: [
    ResponsesService,
    {
      provide: RESPONSE_STORE,
      inject: [conversationConfig.KEY],
      useFactory: (config: ConfigType<typeof conversationConfig>) =>
        new InMemoryResponseStore(config.maxConversationHistory),
    },
  ],
})
export class ResponsesModule {}
