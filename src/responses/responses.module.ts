import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { responsesConfig } from '../config/responses.config.js';
import { LifecycleModule } from '../lifecycle/lifecycle.module.js';
import { LimitsModule } from '../limits/limits.module.js';
import { LlmClientModule } from '../llm-client/llm-client.module.js';
import { McpModule } from '../mcp/mcp.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { ModelCallModule } from '../model-call/model-call.module.js';
import { CompactController } from './compact/compact.controller.js';
import { CompactService } from './compact/compact.service.js';
import { CompactionSeal } from './compact/compaction-seal.js';
import { BACKGROUND_PROVIDERS } from './background/background.providers.js';
import { BackgroundResponses } from './background/background-responses.service.js';
import { BackgroundRuns } from './background/background-runs.service.js';
import { CONVERSATION_STORE_PROVIDERS } from './conversations/conversation-store.providers.js';
import { ConversationsController } from './conversations/conversations.controller.js';
import { ConversationsService } from './conversations/conversations.service.js';
import { ResponseAnswerService } from './response-answer.service.js';
import { ResponsesController } from './responses.controller.js';
import { ResponsesService } from './responses.service.js';
import { StoredResponsesService } from './stored-responses.service.js';
import { TurnPreparationService } from './turn-preparation.service.js';
import { UpstreamResponsesController } from './upstream-responses.controller.js';
import { RESPONSE_STORE_PROVIDERS } from './store/response-store.providers.js';
import { ResponsesWebSocketRoutes } from './websocket/responses-websocket.routes.js';

/**
 * The Responses API over Chat Completions: create (HTTP and WebSocket),
 * retrieve, cancel, delete, input items, compact; the response store.
 */
@Module({
  imports: [
    ModelCallModule,
    LlmClientModule,
    McpModule,
    LifecycleModule,
    LimitsModule,
    MetricsModule,
  ],
  controllers: [
    CompactController,
    ConversationsController,
    ResponsesController,
    UpstreamResponsesController,
  ],
  providers: [
    ResponsesService,
    StoredResponsesService,
    ResponseAnswerService,
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
    BackgroundRuns,
    BackgroundResponses,
    ...BACKGROUND_PROVIDERS,
    ConversationsService,
    ...CONVERSATION_STORE_PROVIDERS,
  ],
})
export class ResponsesModule {}
