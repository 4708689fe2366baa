import { Module } from '@nestjs/common';
import { ChatCompletionsModule } from './chat-completions/chat-completions.module.js';
import { GatewayConfigModule } from './config/gateway-config.module.js';
import { HealthModule } from './health/health.module.js';
import { LlmClientModule } from './llm-client/llm-client.module.js';
import { ProxyModule } from './proxy/proxy.module.js';

@Module({
  imports: [
    GatewayConfigModule,
    LlmClientModule,
    HealthModule,
    ChatCompletionsModule,
    ProxyModule,
  ],
})
export class AppModule {}
