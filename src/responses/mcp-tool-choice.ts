import { invalidRequest } from '../common/http/field-guards.js';
import { isRecord } from '../common/is-record.js';
import type { FirstRoundOverride } from '../mcp/tool-loop/round-request.js';
import type { RequestToolset } from '../mcp/tool-loop/request-toolset.js';

/**
 * The first model round of `tool_choice: {type:"mcp", server_label, name?}`
 * (ToolChoiceMCP), once the turn's MCP tools are known: with `name`, that
 * tool as the chat's named function; without, `required` with only that
 * server's tools offered. Later rounds are `auto` (see roundRequest).
 * Undefined for any other tool_choice. The request's shape was checked by
 * its DTO.
 * @throws GatewayException invalid_request when the server, or the tool on
 * it, is not among this request's MCP tools.
 */
export function mcpToolChoiceRound(
  choice: unknown,
  toolset: RequestToolset,
): FirstRoundOverride | undefined {
  if (!isRecord(choice) || choice['type'] !== 'mcp') {
    return undefined;
  }
  const serverLabel = String(choice['server_label']);
  const name = typeof choice['name'] === 'string' ? choice['name'] : null;
  const tools = toolset.offered.filter(
    (tool) => tool.serverLabel === serverLabel,
  );
  if (tools.length === 0) {
    throw invalidRequest(
      'tool_choice.server_label',
      `Invalid 'tool_choice.server_label': ${whyNoTools(serverLabel, toolset)}`,
    );
  }
  if (name === null) {
    return { tools: toolset.functionsOf(serverLabel), tool_choice: 'required' };
  }
  const tool = tools.find((offered) => offered.toolName === name);
  if (tool === undefined) {
    throw invalidRequest(
      'tool_choice.name',
      `Invalid 'tool_choice.name': MCP server '${serverLabel}' has no tool named '${name}' for this request.`,
    );
  }
  return {
    tool_choice: { type: 'function', function: { name: tool.exposedName } },
  };
}

function whyNoTools(serverLabel: string, toolset: RequestToolset): string {
  const listing = toolset.listings.find(
    (entry) => entry.serverLabel === serverLabel,
  );
  if (listing?.error !== undefined) {
    return `MCP server '${serverLabel}' could not be listed: ${listing.error}`;
  }
  return listing === undefined
    ? `no MCP server labelled '${serverLabel}' among this request's tools.`
    : `MCP server '${serverLabel}' offers no tools to this request.`;
}
