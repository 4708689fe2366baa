import { describe, expect, it } from 'vitest';
import type { McpToolListing } from '../mcp/tool-loop/request-toolset.js';
import type { ResponseInputItem } from '../protocol/responses.types.js';
import { listingsToShow } from './mcp-listings.js';
import { listedTool } from './mcp-output.mapper.js';

const echo = {
  server: 'docs',
  tool: 'echo',
  description: 'Echoes',
  inputSchema: { type: 'object', properties: { text: { type: 'string' } } },
  annotations: { readOnlyHint: true },
};
const sum = { ...echo, tool: 'sum', description: '' };

const docs: McpToolListing = { serverLabel: 'docs', tools: [echo] };
const git: McpToolListing = { serverLabel: 'git', tools: [sum] };

/** An mcp_list_tools item as stored: through JSON, its keys in another order. */
function listed(
  serverLabel: string,
  listing: McpToolListing,
  error?: string,
): ResponseInputItem {
  const tools = listing.tools.map(listedTool).map((tool) => {
    const { annotations, input_schema, ...rest } = tool;
    return { annotations, ...rest, input_schema };
  });
  return JSON.parse(
    JSON.stringify({
      type: 'mcp_list_tools',
      id: `mcpl_${serverLabel}`,
      server_label: serverLabel,
      tools,
      ...(error === undefined ? {} : { error }),
    }),
  ) as ResponseInputItem;
}

describe(listingsToShow.name, () => {
  it('shows every listing in a new conversation', () => {
    expect(listingsToShow([docs, git], [])).toEqual([docs, git]);
  });

  it('leaves out a server already listed with the same tools', () => {
    const conversation = [
      { type: 'message', role: 'user', content: 'hi' },
      listed('docs', docs),
    ] as ResponseInputItem[];
    expect(listingsToShow([docs, git], conversation)).toEqual([git]);
  });

  it('shows a server again when its tools changed since its last listing', () => {
    const changed = { serverLabel: 'docs', tools: [echo, sum] };
    expect(listingsToShow([changed], [listed('docs', docs)])).toEqual([
      changed,
    ]);
    expect(
      listingsToShow([docs], [listed('docs', { ...docs, tools: [sum] })]),
    ).toEqual([docs]);
    // The last listing counts: listed, changed, then back.
    expect(
      listingsToShow([docs], [listed('docs', changed), listed('docs', docs)]),
    ).toEqual([]);
  });

  it('shows a failed listing, and a server whose last listing failed', () => {
    const failed = { serverLabel: 'docs', tools: [], error: 'down' };
    expect(listingsToShow([failed], [listed('docs', docs)])).toEqual([failed]);
    expect(
      listingsToShow(
        [docs],
        [listed('docs', docs), listed('docs', failed, 'down')],
      ),
    ).toEqual([docs]);
  });
});
