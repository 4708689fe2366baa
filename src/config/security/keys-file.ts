import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { isRecord } from '../../common/is-record.js';
import { ConfigEntryChecker } from '../json-config-file.js';
import {
  UNNAMED_OWNER_PREFIX,
  type Tenant,
  type TenantLimits,
} from './tenant.js';

/** One key of the keys file: its SHA-256 digest and the tenant it names. */
export interface TenantKey {
  /** SHA-256 of the key (32 bytes): the file may hold the key or only this. */
  readonly digest: Buffer;
  readonly tenant: Tenant;
  /** The key itself when the file holds it (for the log redactor), else undefined. */
  readonly secret?: string;
}

/** The keys a file names, or every problem that makes it unusable. */
export interface ParsedKeysFile {
  keys: TenantKey[];
  problems: string[];
}

/**
 * The YAML parser, loaded on the first keys file: a gateway without one
 * does not hold it in memory (idle RSS is a target of bench/).
 */
function parseYaml(text: string): unknown {
  const yaml = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yaml.parse(text, { maxAliasCount: 0 });
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}$/;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/** SHA-256 of a key, as the directory compares it. */
export function keyDigest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/**
 * Parses a keys file (YAML or JSON, which is YAML too): a list of entries,
 * at the top or under `keys`. Each entry has a unique `name` (not
 * starting with `key:`, the owner ids of unnamed keys) and either
 * `key` or `sha256` (hex), and optionally `models`, `mcp_servers`,
 * `mcp_tools`, `hosted_mcp`, `pass_through`, `requests_per_minute`,
 * `tokens_per_minute`, `tokens_per_day` and `metadata`. Unknown fields are problems: a typo in a
 * limit must not silently leave a key unlimited. Problems name the entry,
 * never a key.
 */
export function parseKeysFile(text: string): ParsedKeysFile {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : '';
    return { keys: [], problems: [`not YAML or JSON (${reason})`] };
  }
  const entries = isRecord(document) ? document['keys'] : document;
  if (!Array.isArray(entries) || entries.length === 0) {
    return { keys: [], problems: ['expected a non-empty list of keys'] };
  }
  const problems: string[] = [];
  const keys = entries.flatMap((entry: unknown, index) => {
    const key = new KeyEntryChecker(index, problems).check(entry);
    return key === undefined ? [] : [key];
  });
  problems.push(...duplicates(keys));
  return problems.length > 0 ? { keys: [], problems } : { keys, problems };
}

const KNOWN_FIELDS = new Set([
  'name',
  'key',
  'sha256',
  'models',
  'mcp_servers',
  'mcp_tools',
  'hosted_mcp',
  'pass_through',
  'requests_per_minute',
  'tokens_per_minute',
  'tokens_per_day',
  'metadata',
]);

class KeyEntryChecker extends ConfigEntryChecker {
  constructor(index: number, problems: string[]) {
    super('keys', String(index), problems);
  }

  check(entry: unknown): TenantKey | undefined {
    if (!isRecord(entry)) {
      this.fail('', 'must be an object');
      return undefined;
    }
    for (const field of Object.keys(entry)) {
      if (!KNOWN_FIELDS.has(field)) {
        this.fail(field, 'is not a known field');
      }
    }
    const name = entry['name'];
    if (typeof name !== 'string' || !NAME.test(name)) {
      this.fail('name', 'must be 1-64 letters, digits or _.:@- ');
    } else if (name.startsWith(UNNAMED_OWNER_PREFIX)) {
      // The owner ids of unnamed keys: a name must never be one of them.
      this.fail('name', `must not start with ${UNNAMED_OWNER_PREFIX}`);
    }
    const digest = this.digestOf(entry['key'], entry['sha256']);
    const tenant = this.tenantOf(String(name), entry);
    if (digest === undefined || typeof name !== 'string') {
      return undefined;
    }
    const secret = entry['key'];
    return typeof secret === 'string'
      ? { digest, tenant, secret }
      : { digest, tenant };
  }

  private digestOf(key: unknown, sha256: unknown): Buffer | undefined {
    if ((key === undefined) === (sha256 === undefined)) {
      this.fail('', 'needs exactly one of key and sha256');
      return undefined;
    }
    if (key !== undefined) {
      if (typeof key !== 'string' || key.length < 8 || /[\s,]/.test(key)) {
        this.fail('key', 'must be at least 8 characters without blanks');
        return undefined;
      }
      return keyDigest(key);
    }
    if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) {
      this.fail('sha256', 'must be 64 hex digits');
      return undefined;
    }
    return Buffer.from(sha256, 'hex');
  }

  private tenantOf(name: string, entry: Record<string, unknown>): Tenant {
    // A key whose MCP tools are listed may not reach other servers by
    // declaring them as hosted `mcp` tools, unless the file says so.
    const listsMcp =
      entry['mcp_servers'] !== undefined || entry['mcp_tools'] !== undefined;
    const hostedMcp = entry['hosted_mcp'] ?? !listsMcp;
    if (typeof hostedMcp !== 'boolean') {
      this.fail('hosted_mcp', 'must be true or false');
    }
    return {
      id: name,
      label: name,
      ...this.list(entry, 'models', 'models'),
      ...this.list(entry, 'mcp_servers', 'mcpServers'),
      ...this.list(entry, 'mcp_tools', 'mcpTools'),
      ...this.list(entry, 'pass_through', 'passThrough'),
      hostedMcp: hostedMcp !== false,
      limits: this.limits(entry),
      metadata: this.stringMap(entry['metadata'], 'metadata', (k, v) => [k, v]),
    };
  }

  private list<K extends 'models' | 'mcpServers' | 'mcpTools' | 'passThrough'>(
    entry: Record<string, unknown>,
    field: string,
    as: K,
  ): Partial<Record<K, string[]>> {
    const value = entry[field];
    if (value === undefined) {
      return {};
    }
    if (
      !Array.isArray(value) ||
      !value.every((item) => typeof item === 'string' && item !== '')
    ) {
      this.fail(field, 'must be a list of names or patterns');
      return {};
    }
    return { [as]: value as string[] } as Partial<Record<K, string[]>>;
  }

  private limits(entry: Record<string, unknown>): TenantLimits {
    const limits: {
      requestsPerMinute?: number;
      tokensPerMinute?: number;
      tokensPerDay?: number;
    } = {};
    const fields = [
      ['requests_per_minute', 'requestsPerMinute'],
      ['tokens_per_minute', 'tokensPerMinute'],
      ['tokens_per_day', 'tokensPerDay'],
    ] as const;
    for (const [field, as] of fields) {
      const value = entry[field];
      if (value === undefined) {
        continue;
      }
      if (
        typeof value !== 'number' ||
        !Number.isSafeInteger(value) ||
        value < 1
      ) {
        this.fail(field, 'must be a whole number of at least 1');
        continue;
      }
      limits[as] = value;
    }
    return limits;
  }
}

/** Two entries with the same name or the same key are a problem. */
function duplicates(keys: readonly TenantKey[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const digests = new Set<string>();
  for (const { tenant, digest } of keys) {
    if (names.has(tenant.id)) {
      problems.push(`keys: the name ${tenant.id} is used twice`);
    }
    const hex = digest.toString('hex');
    if (digests.has(hex)) {
      problems.push(`keys: ${tenant.id} repeats the key of an earlier entry`);
    }
    names.add(tenant.id);
    digests.add(hex);
  }
  return problems;
}
