import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { responsesConfig } from '../config/responses.config.js';
import { CompactController } from './compact/compact.controller.js';
import { CompactService } from './compact/compact.service.js';
import { CompactionSeal } from './compact/compaction-seal.js';
import { ResponsesController } from './responses.controller.js';
import { ResponsesService } from './responses.service.js';
import { TurnPreparationService } from './turn-preparation.service.js';
import { UpstreamResponsesController } from './upstream-responses.controller.js';
import { RESPONSE_STORE_PROVIDERS } from './store/response-store.providers.js';
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
    ...RESPONSE_STORE_PROVIDERS,
  ],
})
export class ResponsesModule {}
