import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Min,
} from '../common/validation/class-validator.js';
import {
  MCP_TOOL_NAME_PREFIXES,
  type McpToolNamePrefix,
} from './mcp-servers/mcp-names.js';
import { Setting } from './setting.decorator.js';

/** Settings of stored conversations and the MCP tool loop. */
export class ConversationEnvironment {
  @Setting('MCP servers file (`mcpServers` format)')
  @IsOptional()
  @IsString()
  MCP_SERVERS_CONFIG_PATH?: string;

  @Setting('Seconds between MCP tool-cache refreshes')
  @IsInt()
  @Min(1)
  MCP_TOOL_REFRESH_INTERVAL: number = 10;

  @Setting(
    "Default MCP tool-call timeout; a server's `toolTimeoutMs` overrides it",
  )
  @IsInt()
  @Min(1)
  MCP_TOOL_TIMEOUT_MS: number = 60_000;

  @Setting(
    'When MCP tools are offered as `<server>__<tool>`: `always`, `on-conflict`, `never`',
  )
  @IsIn(MCP_TOOL_NAME_PREFIXES)
  MCP_TOOL_NAME_PREFIX: McpToolNamePrefix = 'on-conflict';

  @Setting('Responses kept by the store (in memory or in Redis)')
  @IsInt()
  @Min(1)
  MAX_CONVERSATION_HISTORY: number = 100;

  @Setting(
    'Comma-separated URL prefixes a Responses `mcp` tool may reach (e.g. `https://mcp.example.com/`); unset: off',
  )
  @IsOptional()
  @Matches(/^\s*https?:\/\/[^\s,]+(\s*,\s*https?:\/\/[^\s,]+)*\s*,?\s*$/, {
    message: 'expected a comma-separated list of http(s) URL prefixes',
  })
  MCP_REMOTE_SERVERS_ALLOWED?: string;

  @Setting(
    'Rounds of server-side tool calls per request; then the response ends `incomplete`',
  )
  @IsInt()
  @Min(1)
  MAX_TOOL_CALL_ITERATIONS: number = 25;
}
