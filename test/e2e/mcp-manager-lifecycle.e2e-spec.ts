import { afterEach, describe, expect, it } from 'vitest';
import {
  ANY_MCP_TOOL,
  type McpManagerService,
} from '../../src/mcp/mcp-manager.service.js';
import {
  callNamed,
  exposedTools,
  startMcpManager,
  statusOf,
} from '../support/mcp-manager-harness.js';
import {
  EVERYTHING_BIN,
  EverythingHttpServer,
  freePort,
  nodeServer,
  processExists,
  TEST_SERVER_BIN,
  waitFor,
} from '../support/mcp-servers.js';

describe('McpManagerService connections over time', () => {
  let sut: McpManagerService | undefined;
  let http: EverythingHttpServer | undefined;

  afterEach(async () => {
    await sut?.onApplicationShutdown();
    await http?.stop();
    sut = http = undefined;
  });

  it('drops a killed stdio server, keeps the others, and restarts it by itself', async () => {
    sut = await startMcpManager({
      everything: nodeServer(EVERYTHING_BIN, ['stdio']),
      test: nodeServer(TEST_SERVER_BIN),
    });
    const manager = sut;
    const firstPid = manager.childPid('test')!;
    expect(processExists(firstPid)).toBe(true);
    expect(exposedTools(manager)).toHaveProperty('test__echo');
    const offeredBefore = manager.resolveTool('test__fail', ANY_MCP_TOOL)!;

    process.kill(firstPid, 'SIGKILL');
    await waitFor(
      () => !statusOf(manager, 'test').connected,
      5_000,
      'disconnect',
    );
    const down = statusOf(manager, 'test');
    expect(down.tools).toEqual([]);
    expect(down.lastError).toMatch(/connection closed/);
    expect(exposedTools(manager)).not.toHaveProperty('fail');
    // With the clash gone, everything's echo is offered under its own name.
    expect(exposedTools(manager)).toHaveProperty('echo', 'everything/echo');
    expect(
      (await callNamed(manager, 'echo', '{"message":"still here"}')).text,
    ).toBe('Echo: still here');
    // Its tools are gone; one offered before the crash answers an error.
    expect(manager.resolveTool('test__fail', ANY_MCP_TOOL)).toBeUndefined();
    expect(await manager.callTool(offeredBefore, '{}')).toMatchObject({
      isError: true,
      text: expect.stringMatching(/not connected/),
    });

    await waitFor(
      () => statusOf(manager, 'test').connected,
      10_000,
      'reconnect',
    );
    const secondPid = manager.childPid('test')!;
    expect(secondPid).not.toBe(firstPid);
    expect(processExists(firstPid)).toBe(false);
    expect(statusOf(manager, 'test').lastError).toBeNull();
    expect(
      (await callNamed(manager, 'test__echo', '{"text":"back"}')).text,
    ).toBe('test-server echo: back');
  });

  it('picks up tools/list_changed at once', async () => {
    sut = await startMcpManager({ test: nodeServer(TEST_SERVER_BIN) });
    const manager = sut;
    expect(exposedTools(manager)).not.toHaveProperty('fresh');
    await callNamed(manager, 'add_tool', '{"name":"fresh","notify":true}');
    // The refresh interval is an hour: only the notification can bring it.
    await waitFor(() => exposedTools(manager).fresh, 5_000, 'fresh tool');
    expect((await callNamed(manager, 'fresh', '{}')).text).toBe('called fresh');
  });

  it('picks up a silent tool-list change with the periodic refresh', async () => {
    sut = await startMcpManager(
      { test: nodeServer(TEST_SERVER_BIN) },
      { mcpToolRefreshIntervalMs: 300 },
    );
    const manager = sut;
    const before = statusOf(manager, 'test').lastRefreshedAt!;
    await callNamed(manager, 'add_tool', '{"name":"quiet","notify":false}');
    await waitFor(() => exposedTools(manager).quiet, 5_000, 'quiet tool');
    expect(
      Date.parse(statusOf(manager, 'test').lastRefreshedAt!),
    ).toBeGreaterThan(Date.parse(before));
  });

  it('disconnects an HTTP server that went away and reconnects when it is back', async () => {
    http = await EverythingHttpServer.start('streamableHttp');
    sut = await startMcpManager(
      { remote: { url: http.url('/mcp') } },
      { mcpToolRefreshIntervalMs: 300 },
    );
    const manager = sut;
    const port = http.port;
    expect(statusOf(manager, 'remote').connected).toBe(true);
    const offeredBefore = manager.resolveTool('remote__echo', ANY_MCP_TOOL)!;

    await http.stop();
    await waitFor(
      () => !statusOf(manager, 'remote').connected,
      5_000,
      'disconnect',
    );
    expect(statusOf(manager, 'remote').tools).toEqual([]);
    expect(statusOf(manager, 'remote').lastError).toBeTruthy();
    expect(
      (await manager.callTool(offeredBefore, '{"message":"x"}')).isError,
    ).toBe(true);

    http = await EverythingHttpServer.start('streamableHttp', port);
    await waitFor(
      () => statusOf(manager, 'remote').connected,
      15_000,
      'reconnect',
    );
    expect((await callNamed(manager, 'echo', '{"message":"again"}')).text).toBe(
      'Echo: again',
    );
  });

  it('reports a server it cannot reach without holding the others back', async () => {
    const closedPort = await freePort();
    sut = await startMcpManager({
      gone: { url: `http://127.0.0.1:${closedPort}/mcp` },
      missing: { command: '/nonexistent/mcp-server' },
      test: nodeServer(TEST_SERVER_BIN),
    });
    expect(statusOf(sut, 'gone')).toMatchObject({
      connected: false,
      transport: 'streamable-http',
      tools: [],
      lastConnectedAt: null,
      lastError: expect.stringMatching(/fetch failed|ECONNREFUSED/),
    });
    expect(statusOf(sut, 'missing')).toMatchObject({
      connected: false,
      lastError: expect.stringMatching(/ENOENT/),
    });
    expect((await callNamed(sut, 'echo', '{"text":"ok"}')).text).toBe(
      'test-server echo: ok',
    );
  });

  it('leaves no child process behind after shutdown', async () => {
    const manager = await startMcpManager({
      everything: nodeServer(EVERYTHING_BIN, ['stdio']),
      test: nodeServer(TEST_SERVER_BIN),
    });
    const pids = [manager.childPid('everything')!, manager.childPid('test')!];
    expect(pids.every(processExists)).toBe(true);
    await manager.onApplicationShutdown();
    expect(pids.filter(processExists)).toEqual([]);
    expect(manager.status().map((s) => s.connected)).toEqual([false, false]);
  });
});
