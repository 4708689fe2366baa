import { registerAs } from '@nestjs/config';
import { parseCorsOrigins } from './security/cors-options.js';
import { TenantDirectory } from './security/tenant-directory.js';
import {
  keySourcesConfigured,
  loadTenantKeys,
  type TenantKeySources,
} from './security/tenant-keys.js';
import { knownSecrets } from '../common/logging/secret-redactor.js';
import {
  InvalidEnvironmentError,
  readEnvironment,
} from './read-environment.js';

export const securityConfig = registerAs('security', () => {
  const env = readEnvironment().security;
  const keySources: TenantKeySources = {
    list: env.GATEWAY_API_KEYS,
    file: env.GATEWAY_API_KEYS_FILE,
    keysFile: env.GATEWAY_KEYS_FILE,
  };
  const { keys, problems } = loadTenantKeys(keySources);
  // Validation checked the key files when it first saw these settings; a
  // file may have been emptied since, and no key would mean no auth at all.
  if (problems.length > 0) {
    throw new InvalidEnvironmentError(problems);
  }
  knownSecrets.add(...keys.flatMap((key) => key.secret ?? []));
  return {
    /** The inbound keys and their tenants; null when inbound auth is off. Secret. */
    apiKeys: TenantDirectory.of(keys),
    /** Where the keys come from, for the reloader; undefined when auth is off. */
    keySources: keySourcesConfigured(keySources) ? keySources : undefined,
    /** Undefined when CORS is off. */
    corsOrigins: parseCorsOrigins(env.CORS_ORIGINS),
  };
});
