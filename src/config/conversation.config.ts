import { registerAs } from '@nestjs/config';
import { readEnvironment } from './read-environment.js';

export const conversationConfig = registerAs('conversation', () => {
  const env = readEnvironment().conversation;
  return {
    mcpServersConfigPath: env.MCP_SERVERS_CONFIG_PATH,
    mcpToolRefreshIntervalMs: env.MCP_TOOL_REFRESH_INTERVAL * 1000,
    maxConversationHistory: env.MAX_CONVERSATION_HISTORY,
    maxToolCallIterations: env.MAX_TOOL_CALL_ITERATIONS,
  };
});
