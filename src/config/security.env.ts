import {
  IsOptional,
  IsString,
  Matches,
} from '../common/validation/class-validator.js';
import {
  keySourcesConfigured,
  loadTenantKeys,
} from './security/tenant-keys.js';
import { CORS_ORIGINS_PATTERN } from './security/cors-options.js';
import { Setting } from './setting.decorator.js';

/** Inbound authentication and browser access. */
export class SecurityEnvironment {
  // Sent as `Authorization: Bearer <key>`.
  @Setting(
    'Comma-separated keys clients send as `Bearer`; unset: no inbound auth',
  )
  @IsOptional()
  @IsString()
  GATEWAY_API_KEYS?: string;

  @Setting(
    'A file of keys, one a line, `#` comments; adds to `GATEWAY_API_KEYS`',
  )
  @IsOptional()
  @IsString()
  GATEWAY_API_KEYS_FILE?: string;

  @Setting(
    'Named keys (YAML or JSON): models, MCP access, limits per key; reloaded on change',
  )
  @IsOptional()
  @IsString()
  GATEWAY_KEYS_FILE?: string;

  @Setting(
    '`*` or comma-separated origins browsers may call from; unset: CORS off',
  )
  @IsOptional()
  @Matches(CORS_ORIGINS_PATTERN, {
    message: 'expected * or a comma-separated list of http(s) origins',
  })
  CORS_ORIGINS?: string;
}

/**
 * Checks across settings, reported with the other bad keys at start: the
 * key sources must yield keys, and FORWARD_CLIENT_AUTH cannot be combined
 * with gateway keys (the client's Authorization then holds the gateway key,
 * which must never reach an upstream).
 */
export function securityProblems(
  env: SecurityEnvironment,
  forwardClientAuth: boolean,
): string[] {
  const sources = {
    list: env.GATEWAY_API_KEYS,
    file: env.GATEWAY_API_KEYS_FILE,
    keysFile: env.GATEWAY_KEYS_FILE,
  };
  if (!keySourcesConfigured(sources)) {
    return [];
  }
  const { problems } = loadTenantKeys(sources);
  if (forwardClientAuth) {
    problems.push(
      'FORWARD_CLIENT_AUTH: cannot be true while GATEWAY_API_KEYS, GATEWAY_API_KEYS_FILE or GATEWAY_KEYS_FILE is set (the client Authorization carries the gateway key)',
    );
  }
  return problems;
}
