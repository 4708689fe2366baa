import { type McpToolBinding } from './mcp.types.js';
import {
  MCP_NAME_SEPARATOR,
  type McpToolNamePrefix,
} from '../config/mcp-servers/mcp-names.js';

/** One tool in the cache, before a request decides its exposed name. */
export type McpCachedTool = Omit<McpToolBinding, 'exposedName'>;

/** The `<server>__<tool>` form; unique because server names never contain `__`. */
export function prefixedToolName(server: string, tool: string): string {
  return `${server}${MCP_NAME_SEPARATOR}${tool}`;
}

/** Splits a `<server>__<tool>` name at the first separator, or undefined. */
export function splitPrefixedToolName(
  name: string,
): { server: string; tool: string } | undefined {
  const at = name.indexOf(MCP_NAME_SEPARATOR);
  if (at <= 0 || at + MCP_NAME_SEPARATOR.length >= name.length) {
    return undefined;
  }
  return {
    server: name.slice(0, at),
    tool: name.slice(at + MCP_NAME_SEPARATOR.length),
  };
}

/**
 * Decides the name each cached MCP tool gets in one request. Pure.
 *
 * - `always`: every tool is `<server>__<tool>`.
 * - `never`: every tool keeps its name; on a clash the earlier server wins.
 * - `on-conflict`: a tool keeps its name unless another server or a client
 *   tool of the request uses it too; then it is `<server>__<tool>`.
 *
 * A client tool always wins its name: a clashing MCP tool is prefixed or,
 * when no free name is left, dropped. Exposed names are unique.
 * `tools` must be in a stable order (config order of the servers).
 */
export function exposeMcpTools(
  tools: readonly McpCachedTool[],
  clientToolNames: ReadonlySet<string>,
  mode: McpToolNamePrefix,
): McpToolBinding[] {
  const servingName = new Map<string, number>();
  for (const entry of tools) {
    servingName.set(entry.tool, (servingName.get(entry.tool) ?? 0) + 1);
  }
  const mustPrefix = (entry: McpCachedTool): boolean =>
    mode === 'always' ||
    (mode === 'on-conflict' &&
      ((servingName.get(entry.tool) ?? 0) > 1 ||
        clientToolNames.has(entry.tool)));
  const candidates = (entry: McpCachedTool): string[] => {
    const prefixed = prefixedToolName(entry.server, entry.tool);
    if (mustPrefix(entry)) {
      return [prefixed];
    }
    return mode === 'never' ? [entry.tool] : [entry.tool, prefixed];
  };

  const taken = new Set(clientToolNames);
  const names = new Map<McpCachedTool, string>();
  // Prefixed names first: they are canonical, so an unprefixed tool whose own
  // name happens to look like `<server>__<tool>` must yield to them.
  const ordered = [
    ...tools.filter(mustPrefix),
    ...tools.filter((t) => !mustPrefix(t)),
  ];
  for (const entry of ordered) {
    const name = candidates(entry).find((n) => !taken.has(n));
    if (name !== undefined) {
      taken.add(name);
      names.set(entry, name);
    }
  }
  return tools.flatMap((entry) => {
    const exposedName = names.get(entry);
    return exposedName === undefined ? [] : [{ exposedName, ...entry }];
  });
}
