import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpManagerService } from '../../src/mcp/mcp-manager.service.js';
import type { McpServerStatus } from '../../src/mcp/mcp.types.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import {
  EVERYTHING_BIN,
  nodeServer,
  processExists,
  TempDir,
  waitFor,
} from '../support/mcp-servers.js';

/** A stdio "server" that writes its pid and never answers the handshake. */
const SILENT_SERVER = [
  '-e',
  'require("fs").writeFileSync(process.argv[1], String(process.pid)); setInterval(() => {}, 1000)',
];

describe('MCP servers in the running gateway', () => {
  let dir: TempDir;
  let upstream: FakeUpstream;

  beforeAll(async () => {
    dir = await TempDir.create();
    upstream = await FakeUpstream.start();
  });
  afterAll(async () => {
    await upstream.close();
    await dir.remove();
  });

  describe('with a fast and a silent server', () => {
    let gateway: RunningGateway;
    let pidFile: string;

    beforeAll(async () => {
      pidFile = `${dir.path}/silent.pid`;
      const config = await dir.writeConfig({
        everything: nodeServer(EVERYTHING_BIN, ['stdio']),
        silent: {
          command: process.execPath,
          args: [...SILENT_SERVER, pidFile],
        },
      });
      gateway = await startGateway({
        OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
        MCP_SERVERS_CONFIG_PATH: config,
      });
    });

    const servers = async (): Promise<{
      object: string;
      data: McpServerStatus[];
    }> => {
      const response = await fetch(`${gateway.url}/v1/mcp/servers`);
      expect(response.status).toBe(200);
      return (await response.json()) as {
        object: string;
        data: McpServerStatus[];
      };
    };

    it('listens while a server still hangs in its handshake', async () => {
      // startGateway returned: the listener did not wait for the silent server.
      const body = await servers();
      expect(body.object).toBe('list');
      expect(body.data.find((s) => s.name === 'silent')).toMatchObject({
        transport: 'stdio',
        connected: false,
        tools: [],
      });
    });

    it('serves GET /v1/mcp/servers itself, not through the pass-through', async () => {
      const ready = await waitFor(
        async () =>
          (await servers()).data.find(
            (s) => s.name === 'everything' && s.connected,
          ),
        15_000,
        'everything connected',
      );
      expect(ready.tools).toEqual(expect.arrayContaining(['echo', 'get-sum']));
      expect(ready.lastConnectedAt).not.toBeNull();
      expect(
        upstream.requests.filter((r) => r.url.startsWith('/v1/mcp')),
      ).toEqual([]);
    });

    it('leaves no child process behind after app.close()', async () => {
      const mcp = gateway.app.get(McpManagerService);
      const everythingPid = mcp.childPid('everything')!;
      const silentPid = Number(
        await waitFor(() => readPid(pidFile), 5_000, 'pid file'),
      );
      expect([everythingPid, silentPid].every(processExists)).toBe(true);
      await gateway.close();
      expect([everythingPid, silentPid].filter(processExists)).toEqual([]);
    });
  });

  it('refuses to start with a bad MCP config, naming the server and field', async () => {
    const config = await dir.writeConfig(
      { broken: { args: ['x'] } },
      'bad.json',
    );
    try {
      await expect(
        startGateway({
          OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
          MCP_SERVERS_CONFIG_PATH: config,
        }),
      ).rejects.toThrow(
        'mcpServers.broken.command: needs either command (stdio) or url (HTTP)',
      );
    } finally {
      // startGateway restores the environment only after a successful start.
      delete process.env.MCP_SERVERS_CONFIG_PATH;
      delete process.env.OPENAI_BASE_URL_INTERNAL;
    }
  });
});

function readPid(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}
