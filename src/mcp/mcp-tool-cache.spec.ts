import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { describe, expect, it, vi } from 'vitest';
import { McpToolCache } from './mcp-tool-cache.js';
import type { McpCachedTool } from './mcp-tool-naming.js';

const client = {} as Client;
const tool = (name: string): McpCachedTool => ({
  server: 's',
  tool: name,
  description: '',
  inputSchema: { type: 'object' },
});

/** A source whose tools/list answers are released one at a time. */
function source(state: { handshaking: boolean }) {
  const pending: ((tools: McpCachedTool[]) => void)[] = [];
  return {
    pending,
    liveClient: () => (state.handshaking ? null : client),
    handshaking: () => state.handshaking,
    list: () =>
      new Promise<McpCachedTool[]>((resolve) => void pending.push(resolve)),
    listFailed: () => false,
  };
}

describe(McpToolCache.name, () => {
  it('runs a burst of refreshes as one tools/list plus one rerun', async () => {
    const server = source({ handshaking: false });
    const sut = new McpToolCache(server);
    const first = sut.refresh();
    const second = sut.refresh();
    void sut.refresh();
    expect(server.pending).toHaveLength(1);
    server.pending[0]!([tool('a')]);
    await vi.waitFor(() => expect(server.pending).toHaveLength(2));
    server.pending[1]!([tool('b')]);
    await Promise.all([first, second]);
    expect(server.pending).toHaveLength(2);
    expect(sut.current.map((t) => t.tool)).toEqual(['b']);
  });

  it('holds a refresh asked for during the handshake until runRequested', async () => {
    const state = { handshaking: true };
    const server = source(state);
    const sut = new McpToolCache(server);
    await sut.refresh();
    expect(server.pending).toHaveLength(0);
    state.handshaking = false;
    sut.runRequested();
    expect(server.pending).toHaveLength(1);
  });
});
