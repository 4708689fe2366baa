import type { McpTransportKind } from '../config/mcp-servers/mcp-names.js';

/** One MCP tool as one request offers it to the model. */
export interface McpToolBinding {
  /** The function name the model sees and calls. */
  exposedName: string;
  /** The server's name in the config file. */
  server: string;
  /** The tool's own name on that server. */
  tool: string;
  description: string;
  /** JSON Schema of the arguments, as the server declared it. */
  inputSchema: Record<string, unknown>;
  /** The server's hints (readOnlyHint, destructiveHint, …), when it gave any. */
  annotations?: Record<string, unknown>;
}

/** An image an MCP tool returned. */
export interface McpImage {
  mediaType: string;
  dataBase64: string;
}

/**
 * The outcome of one MCP tool call. Failures (bad arguments, a tool that
 * throws or times out, a disconnected server) are results with
 * `isError: true`, so the model can read them and react.
 */
export interface McpToolResult {
  isError: boolean;
  /** Text parts joined by newlines; resources and links are rendered as text. */
  text: string;
  images: McpImage[];
  /** The server's CallToolResult, or the error, as received. */
  raw: unknown;
}

/** Options of one tool call. */
export interface McpCallOptions {
  /** Aborting cancels the MCP request; callTool then rejects with the reason. */
  signal?: AbortSignal;
  /** A shorter timeout than the server's; never a longer one. */
  timeoutMs?: number;
}

/** What `GET /v1/mcp/servers` reports about one server. */
export interface McpServerStatus {
  name: string;
  transport: McpTransportKind;
  connected: boolean;
  /** Names of the tools in the cache, after allowedTools/disabledTools. */
  tools: string[];
  lastError: string | null;
  /** ISO 8601 times, or null when it never happened. */
  lastConnectedAt: string | null;
  lastRefreshedAt: string | null;
}
