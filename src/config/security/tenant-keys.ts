import { readFileSync } from 'node:fs';
import { loadApiKeys } from './api-key-sources.js';
import { keyDigest, parseKeysFile, type TenantKey } from './keys-file.js';
import { UNNAMED_OWNER_PREFIX, UNNAMED_TENANT_LABEL } from './tenant.js';

/** Every source of inbound keys, as the environment names them. */
export interface TenantKeySources {
  /** `GATEWAY_API_KEYS`: comma-separated unnamed keys. */
  list?: string;
  /** `GATEWAY_API_KEYS_FILE`: unnamed keys, one a line. */
  file?: string;
  /** `GATEWAY_KEYS_FILE`: named keys with access lists and limits (YAML or JSON). */
  keysFile?: string;
}

/** The keys of every source, or the problems that make them unusable. */
export interface LoadedTenantKeys {
  keys: TenantKey[];
  problems: string[];
}

/** True when any source of keys is set: inbound auth is on. */
export function keySourcesConfigured(sources: TenantKeySources): boolean {
  return (
    sources.list !== undefined ||
    sources.file !== undefined ||
    sources.keysFile !== undefined
  );
}

/**
 * Reads every configured source. A key of GATEWAY_API_KEYS(_FILE) is an
 * unnamed tenant of its own; the keys file's entries are named. A key in
 * both is a problem (which tenant would it be?), as is any problem of a
 * source: starting, or reloading, with fewer keys than meant is worse than
 * refusing.
 */
export function loadTenantKeys(
  sources: TenantKeySources,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): LoadedTenantKeys {
  const keys: TenantKey[] = [];
  const problems: string[] = [];
  if (sources.list !== undefined || sources.file !== undefined) {
    const legacy = loadApiKeys(
      { list: sources.list, file: sources.file },
      readFile,
    );
    problems.push(...legacy.problems);
    keys.push(...legacy.keys.map(unnamedKey));
  }
  if (sources.keysFile !== undefined) {
    const named = readKeysFile(sources.keysFile, readFile);
    problems.push(...named.problems);
    const unnamed = new Set(keys.map((key) => key.digest.toString('hex')));
    for (const key of named.keys) {
      if (unnamed.has(key.digest.toString('hex'))) {
        problems.push(
          `GATEWAY_KEYS_FILE: ${key.tenant.id} repeats a key of GATEWAY_API_KEYS(_FILE)`,
        );
      }
    }
    keys.push(...named.keys);
  }
  return { keys, problems };
}

function readKeysFile(
  path: string,
  readFile: (path: string) => string,
): LoadedTenantKeys {
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    return {
      keys: [],
      problems: [`GATEWAY_KEYS_FILE: cannot read ${path} (${code})`],
    };
  }
  const parsed = parseKeysFile(text);
  return {
    keys: parsed.keys,
    problems: parsed.problems.map((problem) => `GATEWAY_KEYS_FILE: ${problem}`),
  };
}

/** A key of GATEWAY_API_KEYS(_FILE): its own tenant, no lists, no limits. */
function unnamedKey(secret: string): TenantKey {
  const digest = keyDigest(secret);
  return {
    digest,
    secret,
    tenant: {
      // A prefix of the digest, so the owner is stable and is not the key.
      id: `${UNNAMED_OWNER_PREFIX}${digest.toString('hex').slice(0, 16)}`,
      label: UNNAMED_TENANT_LABEL,
      hostedMcp: true,
      limits: {},
      metadata: {},
    },
  };
}
