import { describe, expect, it } from 'vitest';
import type { Tenant } from '../config/security/tenant.js';
import type { McpManagerService } from './mcp-manager.service.js';
import { McpController } from './mcp.controller.js';
import type { McpServerStatus } from './mcp.types.js';

const server = (name: string, tools: string[]): McpServerStatus => ({
  name,
  transport: 'stdio',
  connected: true,
  tools,
  lastError: null,
  lastConnectedAt: null,
  lastRefreshedAt: null,
});

const controller = new McpController({
  status: () => [server('alpha', ['echo', 'fail']), server('beta', ['echo'])],
} as Pick<McpManagerService, 'status'> as McpManagerService);

const tenant = (lists: Partial<Tenant>): Tenant => ({
  id: 't',
  label: 't',
  hostedMcp: true,
  limits: {},
  metadata: {},
  ...lists,
});

const listed = (caller: Tenant | undefined) =>
  controller.servers(caller).data.map(({ name, tools }) => ({ name, tools }));

describe('GET /v1/mcp/servers', () => {
  it('lists every server and tool without keys, or for a key without lists', () => {
    const all = [
      { name: 'alpha', tools: ['echo', 'fail'] },
      { name: 'beta', tools: ['echo'] },
    ];
    expect(listed(undefined)).toEqual(all);
    expect(listed(tenant({}))).toEqual(all);
  });

  it("lists only the key's servers, with only its tools", () => {
    expect(listed(tenant({ mcpServers: ['alpha'] }))).toEqual([
      { name: 'alpha', tools: ['echo', 'fail'] },
    ]);
    expect(listed(tenant({ mcpTools: ['alpha__fail', 'echo'] }))).toEqual([
      { name: 'alpha', tools: ['echo', 'fail'] },
      { name: 'beta', tools: ['echo'] },
    ]);
    expect(listed(tenant({ mcpTools: ['alpha__echo'] }))).toEqual([
      { name: 'alpha', tools: ['echo'] },
      { name: 'beta', tools: [] },
    ]);
  });
});
