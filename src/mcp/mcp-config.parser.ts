import { readFileSync } from 'node:fs';
import type {
  McpHttpServerConfig,
  McpServerConfig,
  McpStdioServerConfig,
} from './mcp-server-config.js';
import { MCP_NAME_SEPARATOR } from './mcp.types.js';

/** The environment `${VAR}` references are resolved against. */
export type McpConfigEnvironment = Readonly<Record<string, string | undefined>>;

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
/** `${VAR}` or `${VAR:-default}`. */
const VARIABLE_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const HTTP_TRANSPORTS = ['streamable-http', 'sse'] as const;

/** Reads and parses the file at `path`; see {@link parseMcpServersConfig}. */
export function loadMcpServersConfig(
  path: string,
  env: McpConfigEnvironment,
): McpServerConfig[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new McpConfigError(path, [
      `cannot read the file (${error instanceof Error ? error.message : String(error)})`,
    ]);
  }
  return parseMcpServersConfig(text, env, path);
}

/**
 * Parses a file in the `mcpServers` format of Claude Desktop and Cursor.
 * Pure: `env` resolves the `${VAR}` references in `env` and `headers` values.
 * Unknown keys are ignored, so files shared with other clients still load.
 * @throws McpConfigError naming each server and field at fault.
 */
export function parseMcpServersConfig(
  text: string,
  env: McpConfigEnvironment,
  source = 'MCP servers config',
): McpServerConfig[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new McpConfigError(source, [
      `invalid JSON (${error instanceof Error ? error.message : String(error)})`,
    ]);
  }
  const servers = isRecord(document) ? document.mcpServers : undefined;
  if (!isRecord(servers)) {
    throw new McpConfigError(source, ['mcpServers: must be an object']);
  }
  const problems: string[] = [];
  const configs: McpServerConfig[] = [];
  for (const [name, entry] of Object.entries(servers)) {
    const checker = new EntryChecker(name, env, problems);
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
class EntryChecker {
  constructor(
    private readonly name: string,
    private readonly env: McpConfigEnvironment,
    private readonly problems: string[],
  ) {}

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
    return {
      kind: 'http',
      url: this.httpUrl(entry),
      headers: this.expandedMap(entry, 'headers'),
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
    const value = entry[field];
    if (value === undefined) {
      return {};
    }
    if (!isRecord(value)) {
      this.fail(field, 'must be an object of strings');
      return {};
    }
    const expanded: Record<string, string> = {};
    for (const [key, raw] of Object.entries(value)) {
      if (typeof raw !== 'string') {
        this.fail(`${field}.${key}`, 'must be a string');
        continue;
      }
      expanded[key] = raw.replace(
        VARIABLE_REFERENCE,
        (_match, variable: string, fallback: string | undefined) => {
          const resolved = this.env[variable] ?? fallback;
          if (resolved === undefined) {
            this.fail(
              `${field}.${key}`,
              `references unset environment variable ${variable}`,
            );
          }
          return resolved ?? '';
        },
      );
    }
    return expanded;
  }

  private fail(field: string, reason: string): void {
    const path = field
      ? `mcpServers.${this.name}.${field}`
      : `mcpServers.${this.name}`;
    this.problems.push(`${path}: ${reason}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
