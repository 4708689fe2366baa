/** The request header that picks the format (the body field beats it). */
export const TOOL_CALL_FORMAT_HEADER = 'x-tool-call-format';

/** The header a request keeps the gateway's MCP tools out with (`off`). */
export const MCP_TOOLS_HEADER = 'x-mcp-tools';

/** The paths that also answer a WebSocket upgrade. */
export const WEBSOCKET_PATHS = ['/v1/responses', '/responses'] as const;
