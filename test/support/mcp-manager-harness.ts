import { Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { conversationConfig } from '../../src/config/conversation.config.js';
import { parseMcpServersConfig } from '../../src/config/mcp-servers/mcp-config.parser.js';
import {
  ANY_MCP_TOOL,
  McpManagerService,
} from '../../src/mcp/mcp-manager.service.js';
import type {
  McpCallOptions,
  McpServerStatus,
  McpToolResult,
} from '../../src/mcp/mcp.types.js';

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
      .toolsForRequest(ANY_MCP_TOOL, new Set(clientTools))
      .map((b) => [b.exposedName, `${b.server}/${b.tool}`]),
  );
}

/**
 * Calls the tool a model reaches by `name` when every tool may be used,
 * resolved at the call as the tool loop resolves it.
 * @throws Error when no tool has that name now.
 */
export async function callNamed(
  manager: McpManagerService,
  name: string,
  argumentsJson: string,
  options: McpCallOptions = {},
): Promise<McpToolResult> {
  const binding = manager.resolveTool(name, ANY_MCP_TOOL);
  if (!binding) {
    throw new Error(`no MCP tool ${name}`);
  }
  return manager.callTool(binding, argumentsJson, options);
}
