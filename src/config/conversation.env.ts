import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Min,
} from 'class-validator';
import {
  MCP_TOOL_NAME_PREFIXES,
  type McpToolNamePrefix,
} from './mcp-servers/mcp-names.js';

/** Settings of stored conversations and the MCP tool loop. */
export class ConversationEnvironment {
  /** Path of a JSON file in the `mcpServers` format. */
  @IsOptional()
  @IsString()
  MCP_SERVERS_CONFIG_PATH?: string;

  /** Seconds between two refreshes of the MCP tool cache. */
  @IsInt()
  @Min(1)
  MCP_TOOL_REFRESH_INTERVAL: number = 10;

  /** Default MCP tool-call timeout; a server's `toolTimeoutMs` overrides it. */
  @IsInt()
  @Min(1)
  MCP_TOOL_TIMEOUT_MS: number = 60_000;

  /** When MCP tools are offered as `<server>__<tool>`: always, on-conflict or never. */
  @IsIn(MCP_TOOL_NAME_PREFIXES)
  MCP_TOOL_NAME_PREFIX: McpToolNamePrefix = 'on-conflict';

  /** How many responses the in-memory store keeps; the oldest is evicted first. */
  @IsInt()
  @Min(1)
  MAX_CONVERSATION_HISTORY: number = 100;

  /**
   * Comma-separated URL prefixes a Responses request's hosted `mcp` tool may
   * connect to (e.g. `https://mcp.example.com/`). Unset: hosted MCP is off.
   */
  @IsOptional()
  @Matches(/^\s*https?:\/\/[^\s,]+(\s*,\s*https?:\/\/[^\s,]+)*\s*,?\s*$/, {
    message: 'expected a comma-separated list of http(s) URL prefixes',
  })
  MCP_REMOTE_SERVERS_ALLOWED?: string;

  /** Rounds of server-side tool calls before a response ends incomplete. */
  @IsInt()
  @Min(1)
  MAX_TOOL_CALL_ITERATIONS: number = 25;
}
