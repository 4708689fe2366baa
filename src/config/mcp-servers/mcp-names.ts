/** How the gateway talks to one MCP server. */
export type McpTransportKind = 'stdio' | 'streamable-http' | 'sse';

/** When an MCP tool is offered as `<server>__<tool>` rather than under its own name. */
export type McpToolNamePrefix = 'always' | 'on-conflict' | 'never';

/** Accepted values of `MCP_TOOL_NAME_PREFIX`. */
export const MCP_TOOL_NAME_PREFIXES: readonly McpToolNamePrefix[] = [
  'always',
  'on-conflict',
  'never',
];

/** Separates server and tool in a prefixed name; server names may not contain it. */
export const MCP_NAME_SEPARATOR = '__';
