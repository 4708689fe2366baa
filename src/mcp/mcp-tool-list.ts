import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from '../config/mcp-servers/mcp-server-config.js';
import type { McpCachedTool } from './mcp-tool-naming.js';

/**
 * Every tool of a connected server, all pages of tools/list, after the
 * server's allowedTools/disabledTools. A server without the tools
 * capability has none.
 */
export async function listServerTools(
  client: Client,
  config: McpServerConfig,
  timeoutMs: number,
): Promise<McpCachedTool[]> {
  if (!client.getServerCapabilities()?.tools) {
    return [];
  }
  const tools: Tool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(
      cursor === undefined ? {} : { cursor },
      { timeout: timeoutMs },
    );
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  return filterServerTools(tools, config);
}

/** Applies allowedTools, then disabledTools, and shapes the cache entries. Pure. */
export function filterServerTools(
  tools: readonly Tool[],
  config: Pick<McpServerConfig, 'name' | 'allowedTools' | 'disabledTools'>,
): McpCachedTool[] {
  const { allowedTools, disabledTools } = config;
  return tools
    .filter((t) => !allowedTools || allowedTools.includes(t.name))
    .filter((t) => !disabledTools?.includes(t.name))
    .map((t) => ({
      server: config.name,
      tool: t.name,
      description: t.description ?? t.title ?? '',
      inputSchema: t.inputSchema,
      ...(t.annotations === undefined
        ? {}
        : { annotations: { ...t.annotations } }),
    }));
}
