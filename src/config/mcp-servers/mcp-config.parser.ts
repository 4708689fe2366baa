import { isRecord } from '../../common/is-record.js';
import { credentialHeaderValues } from '../../common/logging/credential-headers.js';
import { knownSecrets } from '../../common/logging/secret-redactor.js';
import {
  ConfigEntryChecker,
  expandVariables,
  parseConfigJson,
  readConfigFile,
  safeUrl,
  type ConfigFileEnvironment,
} from '../json-config-file.js';
import type {
  McpHttpServerConfig,
  McpServerConfig,
  McpStdioServerConfig,
} from './mcp-server-config.js';
import { MCP_NAME_SEPARATOR } from './mcp-names.js';

/** The environment `${VAR}` references are resolved against. */
export type McpConfigEnvironment = ConfigFileEnvironment;

/** Thrown when the MCP servers file is unreadable or invalid; lists every problem. */
export class McpConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Invalid MCP servers config ${source}: ${problems.join('; ')}`);
    this.name = McpConfigError.name;
  }
}

/** Server names become tool-name prefixes, so they must be valid in function names. */
const SERVER_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const HTTP_TRANSPORTS = ['streamable-http', 'sse'] as const;

/**
 * Reads and parses the file at `path`; see {@link parseMcpServersConfig}.
 * Its secrets go to the log redactor (knownSecrets).
 */
export function loadMcpServersConfig(
  path: string,
  env: McpConfigEnvironment,
): McpServerConfig[] {
  const text = readConfigFile(
    path,
    (problems) => new McpConfigError(path, problems),
  );
  return parseMcpServersConfig(text, env, path, (secret) =>
    knownSecrets.add(secret),
  );
}

/**
 * Parses a file in the `mcpServers` format of Claude Desktop and Cursor.
 * Pure: `env` resolves the `${VAR}` references in `env` and `headers` values.
 * Each secret found goes to `onSecret`: every value a `${VAR}` expanded to,
 * and the credential headers (`Authorization`, `X-Api-Key`…) of HTTP servers.
 * Unknown keys are ignored, so files shared with other clients still load.
 * @throws McpConfigError naming each server and field at fault.
 */
export function parseMcpServersConfig(
  text: string,
  env: McpConfigEnvironment,
  source = 'MCP servers config',
  onSecret: (secret: string) => void = () => undefined,
): McpServerConfig[] {
  const document = parseConfigJson(
    text,
    (problems) => new McpConfigError(source, problems),
  );
  const servers = isRecord(document) ? document.mcpServers : undefined;
  if (!isRecord(servers)) {
    throw new McpConfigError(source, ['mcpServers: must be an object']);
  }
  const problems: string[] = [];
  const configs: McpServerConfig[] = [];
  for (const [name, entry] of Object.entries(servers)) {
    const checker = new EntryChecker(name, env, problems, onSecret);
    const config = checker.check(entry);
    if (config) {
      configs.push(config);
    }
  }
  if (problems.length > 0) {
    throw new McpConfigError(source, problems);
  }
  return configs;
}

/** Validates one server entry, reporting problems as `mcpServers.<name>.<field>`. */
class EntryChecker extends ConfigEntryChecker {
  constructor(
    name: string,
    private readonly env: McpConfigEnvironment,
    problems: string[],
    private readonly onSecret: (secret: string) => void,
  ) {
    super('mcpServers', name, problems);
  }

  check(entry: unknown): McpServerConfig | undefined {
    const before = this.problems.length;
    if (
      !SERVER_NAME.test(this.name) ||
      this.name.includes(MCP_NAME_SEPARATOR)
    ) {
      this.fail(
        '',
        `server name must be 1-64 letters, digits, '-' or '_', without '${MCP_NAME_SEPARATOR}'`,
      );
    }
    if (!isRecord(entry)) {
      this.fail('', 'must be an object');
      return undefined;
    }
    const config = this.checkTransport(entry);
    const base = {
      name: this.name,
      allowedTools: this.stringArray(entry, 'allowedTools'),
      disabledTools: this.stringArray(entry, 'disabledTools'),
      toolTimeoutMs: this.positiveInteger(entry, 'toolTimeoutMs'),
    };
    return config && this.problems.length === before
      ? ({ ...config, ...withoutUndefined(base) } as McpServerConfig)
      : undefined;
  }

  private checkTransport(
    entry: Record<string, unknown>,
  ):
    | Omit<McpStdioServerConfig, 'name'>
    | Omit<McpHttpServerConfig, 'name'>
    | undefined {
    const hasCommand = entry.command !== undefined;
    const hasUrl = entry.url !== undefined;
    if (hasCommand === hasUrl) {
      this.fail(
        hasCommand ? 'url' : 'command',
        hasCommand
          ? 'give either command or url, not both'
          : 'needs either command (stdio) or url (HTTP)',
      );
      return undefined;
    }
    if (hasCommand) {
      const command = this.string(entry, 'command');
      const cwd = this.string(entry, 'cwd');
      const stdio = {
        kind: 'stdio' as const,
        command: command ?? '',
        args: this.stringArray(entry, 'args') ?? [],
        env: this.expandedMap(entry, 'env'),
      };
      return cwd === undefined ? stdio : { ...stdio, cwd };
    }
    const headers = this.expandedMap(entry, 'headers');
    credentialHeaderValues(headers).forEach(this.onSecret);
    return {
      kind: 'http',
      url: this.httpUrl(entry),
      headers,
      transport: this.httpTransport(entry),
    };
  }

  private httpUrl(entry: Record<string, unknown>): string {
    const url = this.string(entry, 'url') ?? '';
    if (url !== '' && !/^https?:$/.test(safeUrl(url)?.protocol ?? '')) {
      this.fail('url', 'must be an absolute http:// or https:// URL');
    }
    return url;
  }

  private httpTransport(
    entry: Record<string, unknown>,
  ): McpHttpServerConfig['transport'] {
    // Cursor and Claude Code spell it `type`; `http` is their streamable HTTP.
    const field = entry.transport !== undefined ? 'transport' : 'type';
    const value = entry[field];
    if (value === undefined || value === 'http') {
      return 'streamable-http';
    }
    const known = HTTP_TRANSPORTS.find((t) => t === value);
    if (!known) {
      this.fail(field, `must be one of ${HTTP_TRANSPORTS.join(', ')}`);
      return 'streamable-http';
    }
    return known;
  }

  private string(
    entry: Record<string, unknown>,
    field: string,
  ): string | undefined {
    const value = entry[field];
    if (value === undefined) {
      return undefined;
    }
    if (typeof value !== 'string' || value.trim() === '') {
      this.fail(field, 'must be a non-empty string');
      return undefined;
    }
    return value;
  }

  private stringArray(
    entry: Record<string, unknown>,
    field: string,
  ): string[] | undefined {
    const value = entry[field];
    if (value === undefined) {
      return undefined;
    }
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      this.fail(field, 'must be an array of strings');
      return undefined;
    }
    return value;
  }

  private positiveInteger(
    entry: Record<string, unknown>,
    field: string,
  ): number | undefined {
    const value = entry[field];
    if (value === undefined) {
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      this.fail(field, 'must be a positive integer');
      return undefined;
    }
    return value;
  }

  /** A string map whose values may reference `${VAR}` or `${VAR:-default}`. */
  private expandedMap(
    entry: Record<string, unknown>,
    field: string,
  ): Record<string, string> {
    return this.stringMap(entry[field], field, (key, raw) => [
      key,
      expandVariables(
        raw,
        this.env,
        (variable) =>
          this.fail(
            `${field}.${key}`,
            `references unset environment variable ${variable}`,
          ),
        this.onSecret,
      ),
    ]);
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
