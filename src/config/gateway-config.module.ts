import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { conversationConfig } from './conversation.config.js';
import { lifecycleConfig } from './lifecycle.config.js';
import { limitsConfig } from './limits.config.js';
import { readEnvironment } from './read-environment.js';
import { responsesConfig } from './responses.config.js';
import { securityConfig } from './security.config.js';
import { serverConfig } from './server.config.js';
import { storageConfig } from './storage.config.js';
import { upstreamConfig } from './upstream.config.js';
import { upstreamsConfig } from './upstreams.config.js';

/**
 * Global typed configuration. Inject a namespace with
 * `@Inject(upstreamConfig.KEY) cfg: ConfigType<typeof upstreamConfig>`.
 * `validate` returns the typed environment that every namespace is a view
 * of (readEnvironment); ConfigModule runs it once, when this file is
 * imported, so inject the namespaces rather than ConfigService's copy.
 */
@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      cache: true,
      validate: readEnvironment,
      load: [
        serverConfig,
        upstreamConfig,
        conversationConfig,
        upstreamsConfig,
        storageConfig,
        securityConfig,
        limitsConfig,
        lifecycleConfig,
        responsesConfig,
      ],
    }),
  ],
})
export class GatewayConfigModule {}
