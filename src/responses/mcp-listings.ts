import { isDeepStrictEqual } from 'node:util';
import type { McpToolListing } from '../mcp/tool-loop/request-toolset.js';
import type { ResponseInputItem } from '../protocol/responses.types.js';
import { listedTool } from './mcp-output.mapper.js';

/**
 * The listings a response shows as `mcp_list_tools` items. As OpenAI does,
 * a server is listed once per conversation: not again when the last
 * `mcp_list_tools` item for its label in the conversation (the stored
 * chain, and the input, which a stateless client replays) shows the same
 * tools. A changed tool list, a server new to the conversation and a
 * failed listing are shown. The tools are offered to the model either way.
 * Pure.
 */
export function listingsToShow(
  listings: readonly McpToolListing[],
  conversation: readonly ResponseInputItem[],
): McpToolListing[] {
  const lastListed = new Map<string, unknown>();
  for (const item of conversation) {
    if (item.type === 'mcp_list_tools' && !item['error']) {
      lastListed.set(String(item['server_label']), item['tools']);
    } else if (item.type === 'mcp_list_tools') {
      lastListed.delete(String(item['server_label']));
    }
  }
  return listings.filter(
    (listing) =>
      listing.error !== undefined ||
      !lastListed.has(listing.serverLabel) ||
      !sameTools(lastListed.get(listing.serverLabel), listing),
  );
}

// Items of the chain may have gone through JSON (Redis, a client's replay):
// both sides are compared in that form, whatever the order of keys.
function sameTools(listed: unknown, listing: McpToolListing): boolean {
  return isDeepStrictEqual(
    asJson(listed),
    asJson(listing.tools.map(listedTool)),
  );
}

function asJson(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
