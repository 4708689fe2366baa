import { basename } from 'node:path';
import { loggableUrl } from '../../common/logging/url-secrets.js';

/** Settings every MCP server entry may carry. */
interface McpServerConfigBase {
  /** The key under `mcpServers`; also the tool-name prefix. */
  name: string;
  /** When set, only these tools are offered. */
  allowedTools?: string[];
  /** These tools are never offered. */
  disabledTools?: string[];
  /** Tool-call timeout; `MCP_TOOL_TIMEOUT_MS` when unset. */
  toolTimeoutMs?: number;
}

/** A server the gateway starts as a child process and talks to over stdio. */
export interface McpStdioServerConfig extends McpServerConfigBase {
  kind: 'stdio';
  command: string;
  args: string[];
  /** Extra environment of the child, `${VAR}` already expanded. Secret. */
  env: Record<string, string>;
  cwd?: string;
}

/** A remote server reached over streamable HTTP, or legacy HTTP+SSE. */
export interface McpHttpServerConfig extends McpServerConfigBase {
  kind: 'http';
  url: string;
  /** Sent with every request, `${VAR}` already expanded. Secret. */
  headers: Record<string, string>;
  /** `streamable-http` falls back to SSE for SSE-only servers; `sse` forces SSE. */
  transport: 'streamable-http' | 'sse';
}

/** One validated entry of the `mcpServers` file. */
export type McpServerConfig = McpStdioServerConfig | McpHttpServerConfig;

/** Where a server is, as a log line may say it: no user info, query, args or env. */
export function mcpEndpoint(config: McpServerConfig): string {
  return config.kind === 'http'
    ? loggableUrl(config.url)
    : `stdio: ${basename(config.command)}`;
}

/**
 * `text` (an error message) with the server's URL as written replaced by
 * its loggable form: fetch quotes the whole URL, user info and query
 * (where tokens travel) included, in some of its errors.
 */
export function scrubEndpoint(text: string, config: McpServerConfig): string {
  if (config.kind !== 'http') {
    return text;
  }
  const safe = loggableUrl(config.url);
  const written = [config.url];
  if (URL.canParse(config.url)) {
    written.push(new URL(config.url).href);
  }
  return written.reduce(
    (scrubbed, url) => scrubbed.replaceAll(url, safe),
    text,
  );
}
