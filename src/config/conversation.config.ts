import { registerAs } from '@nestjs/config';
import { loadMcpServersConfig } from './mcp-servers/mcp-config.parser.js';
import { readEnvironment } from './read-environment.js';

export const conversationConfig = registerAs('conversation', () => {
  const env = readEnvironment().conversation;
  return {
    mcpServersConfigPath: env.MCP_SERVERS_CONFIG_PATH,
    mcpToolRefreshIntervalMs: env.MCP_TOOL_REFRESH_INTERVAL * 1000,
    mcpToolTimeoutMs: env.MCP_TOOL_TIMEOUT_MS,
    mcpToolNamePrefix: env.MCP_TOOL_NAME_PREFIX,
    // Parsed here, the one reader of process.env, so `${VAR}` references resolve;
    // a bad file fails the start naming the server and field.
    mcpServers: env.MCP_SERVERS_CONFIG_PATH
      ? loadMcpServersConfig(env.MCP_SERVERS_CONFIG_PATH, process.env)
      : [],
    maxConversationHistory: env.MAX_CONVERSATION_HISTORY,
    maxToolCallIterations: env.MAX_TOOL_CALL_ITERATIONS,
    mcpRemoteServersAllowed: (env.MCP_REMOTE_SERVERS_ALLOWED ?? '')
      .split(',')
      .map((prefix) => prefix.trim())
      .filter((prefix) => prefix !== ''),
  };
});
