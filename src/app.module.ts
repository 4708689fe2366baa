import { Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module.js';
import { ChatCompletionsModule } from './chat-completions/chat-completions.module.js';
import { GatewayConfigModule } from './config/gateway-config.module.js';
import { HealthModule } from './health/health.module.js';
import { LifecycleModule } from './lifecycle/lifecycle.module.js';
import { LimitsModule } from './limits/limits.module.js';
import { LlmClientModule } from './llm-client/llm-client.module.js';
import { McpModule } from './mcp/mcp.module.js';
import { MessagesModule } from './messages/messages.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ModelCallModule } from './model-call/model-call.module.js';
import { ModelsModule } from './models/models.module.js';
import { ProxyModule } from './proxy/proxy.module.js';
import { ResponsesModule } from './responses/responses.module.js';

@Module({
  imports: [
    GatewayConfigModule,
    AuthModule,
    LimitsModule,
    MetricsModule,
    LifecycleModule,
    LlmClientModule,
    ModelCallModule,
    McpModule,
    HealthModule,
    ChatCompletionsModule,
    ResponsesModule,
    MessagesModule,
    ModelsModule,
    ProxyModule,
  ],
})
export class AppModule {}
