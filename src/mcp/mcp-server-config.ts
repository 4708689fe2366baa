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
