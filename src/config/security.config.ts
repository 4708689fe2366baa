import { registerAs } from '@nestjs/config';
import { loadApiKeys } from './security/api-key-sources.js';
import { ApiKeySet } from './security/api-key-set.js';
import { parseCorsOrigins } from './security/cors-options.js';
import { knownSecrets } from '../common/logging/secret-redactor.js';
import {
  InvalidEnvironmentError,
  readEnvironment,
} from './read-environment.js';

export const securityConfig = registerAs('security', () => {
  const env = readEnvironment().security;
  const { keys, problems } = loadApiKeys({
    list: env.GATEWAY_API_KEYS,
    file: env.GATEWAY_API_KEYS_FILE,
  });
  // Validation checked the key file when it first saw these settings; the
  // file may have been emptied since, and no key would mean no auth at all.
  if (problems.length > 0) {
    throw new InvalidEnvironmentError(problems);
  }
  knownSecrets.add(...keys);
  return {
    /** Digests of the inbound keys; null when inbound auth is off. Secret. */
    apiKeys: ApiKeySet.of(keys),
    /** Undefined when CORS is off. */
    corsOrigins: parseCorsOrigins(env.CORS_ORIGINS),
  };
});
