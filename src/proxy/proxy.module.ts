import { Module } from '@nestjs/common';
import { ProxyRoutes } from './proxy.routes.js';
import { ProxyService } from './proxy.service.js';

/** Pass-through for every OpenAI endpoint the gateway does not implement itself. */
@Module({
  providers: [ProxyService, ProxyRoutes],
})
export class ProxyModule {}
