import { Module } from '@nestjs/common';
import { LlmClientModule } from '../llm-client/llm-client.module.js';
import { ProxyRoutes } from './proxy.routes.js';
import { ProxyService } from './proxy.service.js';

/** Pass-through for every OpenAI endpoint the gateway does not implement itself. */
@Module({
  imports: [LlmClientModule],
  providers: [ProxyService, ProxyRoutes],
})
export class ProxyModule {}
