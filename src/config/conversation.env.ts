import { IsInt, IsOptional, IsString, Min } from 'class-validator';

/** Settings of stored conversations and the MCP tool loop. */
export class ConversationEnvironment {
  /** Path of a JSON file in the `mcpServers` format. */
  @IsOptional()
  @IsString()
  MCP_SERVERS_CONFIG_PATH?: string;

  /** Seconds between two refreshes of the MCP tool cache. */
  @IsInt()
  @Min(1)
  MCP_TOOL_REFRESH_INTERVAL = 10;

  /** How many responses the in-memory store keeps; the oldest is evicted first. */
  @IsInt()
  @Min(1)
  MAX_CONVERSATION_HISTORY = 100;

  /** Rounds of server-side tool calls before a response ends incomplete. */
  @IsInt()
  @Min(1)
  MAX_TOOL_CALL_ITERATIONS = 25;
}
