import { isRecord } from '../common/is-record.js';
import type { McpCachedTool } from '../mcp/mcp-tool-naming.js';
import type { McpToolResult } from '../mcp/mcp.types.js';
import type {
  McpCallOutcome,
  McpListedTool,
} from './core/response-event-machine.js';

/** An mcp_list_tools entry: the tool's own name, schema and hints. */
export function listedTool(tool: McpCachedTool): McpListedTool {
  return {
    name: tool.tool,
    description: tool.description === '' ? null : tool.description,
    input_schema: tool.inputSchema,
    annotations: tool.annotations ?? null,
  };
}

/**
 * An MCP result as the mcp_call item's `output`, or as the spec's
 * MCPToolCallError: the tool's own error content as an execution error, a
 * protocol failure (with its JSON-RPC code) as a protocol error.
 */
export function mcpCallOutcome(result: McpToolResult): McpCallOutcome {
  if (!result.isError) {
    return { output: result.text };
  }
  const raw = result.raw;
  if (isRecord(raw) && Array.isArray(raw['content'])) {
    return {
      error: { type: 'mcp_tool_execution_error', content: raw['content'] },
    };
  }
  const code = raw instanceof Error && 'code' in raw ? raw.code : undefined;
  if (typeof code === 'number') {
    return {
      error: { type: 'mcp_protocol_error', code, message: result.text },
    };
  }
  return {
    error: {
      type: 'mcp_tool_execution_error',
      content: [{ type: 'text', text: result.text }],
    },
  };
}
