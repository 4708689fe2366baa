import { Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { conversationConfig } from '../../src/config/conversation.config.js';
import { parseMcpServersConfig } from '../../src/config/mcp-servers/mcp-config.parser.js';
import { McpManagerService } from '../../src/mcp/mcp-manager.service.js';
import type { McpServerStatus } from '../../src/mcp/mcp.types.js';

type ConversationConfig = ConfigType<typeof conversationConfig>;

/** Settings of a manager under test; servers come as an `mcpServers` object. */
export type McpTestSettings = Partial<
  Pick<
    ConversationConfig,
    'mcpToolRefreshIntervalMs' | 'mcpToolTimeoutMs' | 'mcpToolNamePrefix'
  >
>;

/**
 * A McpManagerService outside Nest, configured as the config layer would
 * (the servers object goes through the real parser), started like the
 * lifecycle hook does, after its first connects settled.
 */
export async function startMcpManager(
  servers: Record<string, unknown>,
  settings: McpTestSettings = {},
  env: Record<string, string | undefined> = process.env,
): Promise<McpManagerService> {
  // Nest's static logger would print connection warnings into the test output.
  Logger.overrideLogger(false);
  const config = {
    mcpToolRefreshIntervalMs: 3_600_000,
    mcpToolTimeoutMs: 60_000,
    mcpToolNamePrefix: 'on-conflict',
    ...settings,
    mcpServers: parseMcpServersConfig(
      JSON.stringify({ mcpServers: servers }),
      env,
    ),
  } satisfies Partial<ConversationConfig>;
  const manager = new McpManagerService(config as ConversationConfig);
  manager.onApplicationBootstrap();
  await manager.whenInitialConnectsSettled();
  return manager;
}

/** One server's status by name. */
export function statusOf(
  manager: McpManagerService,
  server: string,
): McpServerStatus {
  const status = manager.status().find((s) => s.name === server);
  if (!status) {
    throw new Error(`no MCP server ${server}`);
  }
  return status;
}

/** Exposed name → `server/tool` of every MCP tool offered to a request. */
export function exposedTools(
  manager: McpManagerService,
  clientTools: string[] = [],
): Record<string, string> {
  return Object.fromEntries(
    manager
      .toolsForRequest(new Set(clientTools))
      .map((b) => [b.exposedName, `${b.server}/${b.tool}`]),
  );
}
