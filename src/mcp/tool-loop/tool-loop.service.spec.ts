import type { ConfigType } from '@nestjs/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMcpManager } from '../../../test/support/mcp-manager-harness.js';
import {
  nodeServer,
  TEST_SERVER_BIN,
} from '../../../test/support/mcp-servers.js';
import type { conversationConfig } from '../../config/conversation.config.js';
import type { Tenant } from '../../config/security/tenant.js';
import { HostedMcpSessions } from '../hosted/hosted-mcp-sessions.js';
import type { McpManagerService } from '../mcp-manager.service.js';
import type { RequestToolset } from './request-toolset.js';
import { ToolLoopService } from './tool-loop.service.js';

const tenant = (lists: Partial<Tenant>): Tenant => ({
  id: 'team-a',
  label: 'team-a',
  hostedMcp: true,
  limits: {},
  metadata: {},
  ...lists,
});

const NO_CLIENT_TOOLS = new Set<string>();

const offeredNames = (toolset: RequestToolset): string[] =>
  toolset.offered.map((tool) => tool.exposedName).sort();

/** `server/tool` of what a called name runs, or undefined when nothing runs. */
const runs = (toolset: RequestToolset, name: string): string | undefined => {
  const tool = toolset.find(name);
  return tool && `${tool.serverLabel}/${tool.toolName}`;
};

// Two real stdio servers with the same tools (echo, fail, sleep…), so that
// with both offered, `on-conflict` names them `alpha__echo` and `beta__echo`.
describe(`${ToolLoopService.name}.toolset and the key's MCP lists`, () => {
  let manager: McpManagerService;
  let sut: ToolLoopService;

  beforeAll(async () => {
    manager = await startMcpManager({
      alpha: nodeServer(TEST_SERVER_BIN),
      beta: nodeServer(TEST_SERVER_BIN),
    });
    sut = new ToolLoopService(manager, {
      maxToolCallIterations: 5,
    } as ConfigType<typeof conversationConfig>);
  });
  afterAll(async () => {
    await manager?.onApplicationShutdown();
  });

  it('offers and finds every tool of every server without a tenant or lists', () => {
    for (const caller of [undefined, tenant({})]) {
      const toolset = sut.toolset(NO_CLIENT_TOOLS, undefined, {
        ...(caller === undefined ? {} : { tenant: caller }),
      });
      expect(offeredNames(toolset)).toContain('alpha__echo');
      expect(offeredNames(toolset)).toContain('beta__echo');
      expect(runs(toolset, 'beta__fail')).toBe('beta/fail');
    }
  });

  it("offers only the allowed server's tools, named as if the other did not exist", () => {
    const toolset = sut.toolset(NO_CLIENT_TOOLS, undefined, {
      tenant: tenant({ mcpServers: ['alpha'] }),
    });
    const names = offeredNames(toolset);
    expect(names).toContain('echo');
    expect(names.some((name) => name.startsWith('beta'))).toBe(false);
    expect(toolset.listings.map((l) => l.serverLabel)).toEqual(['alpha']);
    expect(runs(toolset, 'echo')).toBe('alpha/echo');
    // The canonical name of an allowed tool still resolves, a refused one never.
    expect(runs(toolset, 'alpha__echo')).toBe('alpha/echo');
    expect(runs(toolset, 'beta__echo')).toBeUndefined();
    expect(runs(toolset, 'beta__fail')).toBeUndefined();
  });

  it('offers only the tools matching mcp_tools', () => {
    const toolset = sut.toolset(NO_CLIENT_TOOLS, undefined, {
      tenant: tenant({ mcpTools: ['*__echo', 'beta__sleep'] }),
    });
    expect(offeredNames(toolset)).toEqual([
      'alpha__echo',
      'beta__echo',
      'sleep',
    ]);
    expect(runs(toolset, 'alpha__sleep')).toBeUndefined();
    expect(runs(toolset, 'fail')).toBeUndefined();
    expect(runs(toolset, 'alpha__fail')).toBeUndefined();
  });

  it('offers no configured tool with empty lists, nor with the opt-out', () => {
    const refused = sut.toolset(NO_CLIENT_TOOLS, HostedMcpSessions.none(), {
      tenant: tenant({ mcpServers: [] }),
    });
    expect(refused.offered).toEqual([]);
    expect(refused.active).toBe(false);
    expect(runs(refused, 'alpha__echo')).toBeUndefined();
    const optedOut = sut.toolset(NO_CLIENT_TOOLS, undefined, {
      withConfigured: false,
    });
    expect(optedOut.offered).toEqual([]);
  });
});
