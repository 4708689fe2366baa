import type { INestApplicationContext } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Logger } from 'pino';
import { conversationConfig } from '../config/conversation.config.js';
import { findSettingTypos } from '../config/setting-typos.js';
import { listSettings } from '../config/settings-help.js';
import { securityConfig } from '../config/security.config.js';
import { storageConfig } from '../config/storage.config.js';
import { upstreamsConfig } from '../config/upstreams.config.js';
import { UpstreamRegistry } from '../llm-client/upstream-registry.service.js';
import { mcpEndpoint } from '../config/mcp-servers/mcp-server-config.js';
import { loggableUrl } from '../common/logging/url-secrets.js';

/**
 * The start-up lines an operator reads first: the configuration in effect
 * (upstream URLs, MCP servers, store, inbound auth; never a key, a header
 * or a password) and a "did you mean" warning for each environment
 * variable that looks like a misspelt setting.
 */
export function logStartUpReport(
  app: INestApplicationContext,
  logger: Logger,
  environment: NodeJS.ProcessEnv = process.env,
): void {
  logger.info(effectiveConfiguration(app), 'effective configuration');
  const settings = listSettings().map((setting) => setting.name);
  for (const typo of findSettingTypos(Object.keys(environment), settings)) {
    logger.warn(
      typo,
      `${typo.name} is not a setting of the gateway; did you mean ${typo.suggestion}?`,
    );
  }
}

function effectiveConfiguration(app: INestApplicationContext): object {
  const registry = app.get(UpstreamRegistry);
  const upstreams = app.get<ConfigType<typeof upstreamsConfig>>(
    upstreamsConfig.KEY,
  );
  const conversation = app.get<ConfigType<typeof conversationConfig>>(
    conversationConfig.KEY,
  );
  const storage = app.get<ConfigType<typeof storageConfig>>(storageConfig.KEY);
  const security = app.get<ConfigType<typeof securityConfig>>(
    securityConfig.KEY,
  );
  return {
    upstreams: registry.targets.map((target) => ({
      name: target.name,
      url: loggableUrl(target.baseUrl),
      // Only whether a key is set: the key itself is a secret.
      authenticated: Boolean(target.apiKey),
    })),
    fallback: upstreams.fallback ?? null,
    mcpServers: conversation.mcpServers.map((server) => ({
      name: server.name,
      endpoint: mcpEndpoint(server),
    })),
    store: storage.redisUrl
      ? { kind: 'redis', url: loggableUrl(storage.redisUrl) }
      : { kind: 'memory' },
    inboundAuth: security.apiKeys ? 'on' : 'off',
    cors: security.corsOrigins ? 'on' : 'off',
  };
}
