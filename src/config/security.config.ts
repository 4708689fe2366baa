import { registerAs } from '@nestjs/config';
import { loadApiKeys } from './security/api-key-sources.js';
import { ApiKeySet } from './security/api-key-set.js';
import { parseCorsOrigins } from './security/cors-options.js';
import { knownSecrets } from '../common/logging/secret-redactor.js';
import { readEnvironment } from './read-environment.js';

export const securityConfig = registerAs('security', () => {
  const env = readEnvironment().security;
  // readEnvironment already rejected unreadable or empty key sources.
  const { keys } = loadApiKeys({
    list: env.GATEWAY_API_KEYS,
    file: env.GATEWAY_API_KEYS_FILE,
  });
  knownSecrets.add(...keys);
  return {
    /** Digests of the inbound keys; null when inbound auth is off. Secret. */
    apiKeys: ApiKeySet.of(keys),
    /** Undefined when CORS is off. */
    corsOrigins: parseCorsOrigins(env.CORS_ORIGINS),
  };
});
