import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  FILESYSTEM_BIN,
  nodeServer,
  TempDir,
  TEST_SERVER_BIN,
} from '../support/mcp-servers.js';

describe('McpManagerService with real MCP servers', () => {
  let dir: TempDir;
  let streamable: EverythingHttpServer;
  let sseOnly: EverythingHttpServer;
  let sut: McpManagerService;

  beforeAll(async () => {
    dir = await TempDir.create();
    await dir.write('notes.txt', 'hello from disk');
    [streamable, sseOnly] = await Promise.all([
      EverythingHttpServer.start('streamableHttp'),
      EverythingHttpServer.start('sse'),
    ]);
    sut = await startMcpManager(
      {
        everything: nodeServer(EVERYTHING_BIN, ['stdio']),
        remote: {
          url: streamable.url('/mcp'),
          allowedTools: ['echo', 'get-sum'],
        },
        legacy: { url: sseOnly.url('/sse'), disabledTools: ['echo'] },
        files: nodeServer(FILESYSTEM_BIN, [dir.path]),
        test: nodeServer(TEST_SERVER_BIN, [], {
          env: { TEST_SECRET: '${MCP_E2E_SECRET}' },
          toolTimeoutMs: 500,
        }),
      },
      {},
      { ...process.env, MCP_E2E_SECRET: 's3cret' },
    );
  });
  afterAll(async () => {
    await sut?.onApplicationShutdown();
    await Promise.all([streamable?.stop(), sseOnly?.stop()]);
    await dir?.remove();
  });

  it('connects every server and reports the transport each one uses', () => {
    const summary = sut.status().map((s) => [s.name, s.transport, s.connected]);
    expect(summary).toEqual([
      ['everything', 'stdio', true],
      ['remote', 'streamable-http', true],
      // No POST handler on /sse: the streamable HTTP attempt fails with a 4xx.
      ['legacy', 'sse', true],
      ['files', 'stdio', true],
      ['test', 'stdio', true],
    ]);
    for (const status of sut.status()) {
      expect(status.lastError).toBeNull();
      expect(Date.parse(status.lastConnectedAt ?? '')).not.toBeNaN();
    }
  });

  it('lists server-everything tools over stdio and runs them', async () => {
    expect(statusOf(sut, 'everything').tools).toEqual(
      expect.arrayContaining([
        'echo',
        'get-sum',
        'trigger-long-running-operation',
      ]),
    );
    const echo = await callNamed(sut, 'everything__echo', '{"message":"hi"}');
    expect(echo).toMatchObject({
      isError: false,
      text: 'Echo: hi',
      images: [],
    });
    const sum = await callNamed(sut, 'everything__get-sum', '{"a":2,"b":3}');
    expect(sum.text).toBe('The sum of 2 and 3 is 5.');
  });

  it('applies allowedTools and disabledTools', () => {
    expect(statusOf(sut, 'remote').tools.sort()).toEqual(['echo', 'get-sum']);
    const legacy = statusOf(sut, 'legacy').tools;
    expect(legacy).toContain('get-sum');
    expect(legacy).not.toContain('echo');
    expect(sut.resolveTool('legacy__echo', ANY_MCP_TOOL)).toBeUndefined();
  });

  it('runs a tool over streamable HTTP', async () => {
    const result = await callNamed(
      sut,
      'remote__echo',
      '{"message":"over http"}',
    );
    expect(result).toMatchObject({ isError: false, text: 'Echo: over http' });
  });

  it('runs a tool on an SSE-only server', async () => {
    const result = await callNamed(sut, 'legacy__get-sum', '{"a":40,"b":2}');
    expect(result).toMatchObject({
      isError: false,
      text: 'The sum of 40 and 2 is 42.',
    });
  });

  it('reads a file through server-filesystem', async () => {
    const path = join(dir.path, 'notes.txt');
    const result = await callNamed(
      sut,
      'read_text_file',
      JSON.stringify({ path }),
    );
    expect(result).toMatchObject({ isError: false, text: 'hello from disk' });
  });

  it('passes the ${VAR}-expanded env to a stdio server', async () => {
    expect((await callNamed(sut, 'secret', '')).text).toBe('s3cret');
  });

  it('keeps images and renders resource links', async () => {
    const image = await callNamed(sut, 'everything__get-tiny-image', '{}');
    expect(image.images).toHaveLength(1);
    expect(image.images[0]!.mediaType).toBe('image/png');
    expect(
      Buffer.from(image.images[0]!.dataBase64, 'base64')
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect(image.text).toContain("Here's the image you requested:");
    const links = await callNamed(
      sut,
      'everything__get-resource-links',
      '{"count":2}',
    );
    const lines = links.text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(
      /^\[resource link Blob Resource 1\] demo:\/\/resource\//,
    );
  });

  it('prefixes tools that several servers offer and maps names back exactly', async () => {
    const exposed = exposedTools(sut);
    expect(exposed).toMatchObject({
      everything__echo: 'everything/echo',
      remote__echo: 'remote/echo',
      test__echo: 'test/echo',
      'everything__get-sum': 'everything/get-sum',
      'remote__get-sum': 'remote/get-sum',
      'legacy__get-sum': 'legacy/get-sum',
      read_text_file: 'files/read_text_file',
      fail: 'test/fail',
    });
    expect(exposed).not.toHaveProperty('echo');
    expect(sut.resolveTool('echo', ANY_MCP_TOOL)).toBeUndefined();
    expect(sut.resolveTool('test__echo', ANY_MCP_TOOL)).toMatchObject({
      server: 'test',
      tool: 'echo',
    });
    expect((await callNamed(sut, 'test__echo', '{"text":"x"}')).text).toBe(
      'test-server echo: x',
    );
    expect((await callNamed(sut, 'remote__echo', '{"message":"x"}')).text).toBe(
      'Echo: x',
    );
  });

  it('lets a client tool win its name for one request', async () => {
    const clientTools = new Set(['read_text_file']);
    expect(exposedTools(sut, ['read_text_file'])).toMatchObject({
      files__read_text_file: 'files/read_text_file',
    });
    expect(exposedTools(sut, ['read_text_file'])).not.toHaveProperty(
      'read_text_file',
    );
    expect(
      sut.resolveTool('read_text_file', ANY_MCP_TOOL, clientTools),
    ).toBeUndefined();
    const binding = sut
      .toolsForRequest(ANY_MCP_TOOL, clientTools)
      .find((b) => b.exposedName === 'files__read_text_file')!;
    expect(binding.inputSchema).toMatchObject({ type: 'object' });
    const path = join(dir.path, 'notes.txt');
    expect((await sut.callTool(binding, JSON.stringify({ path }))).text).toBe(
      'hello from disk',
    );
  });

  it('turns tool errors into error results, never rejections', async () => {
    await expect(callNamed(sut, 'fail', '')).resolves.toMatchObject({
      isError: true,
      text: 'the tool failed on purpose',
    });
    await expect(callNamed(sut, 'explode', '{}')).resolves.toMatchObject({
      isError: true,
      text: expect.stringMatching(
        /^MCP tool explode on server test failed: .*boom/,
      ),
    });
    // server-everything validates arguments and answers with isError.
    const invalid = await callNamed(sut, 'everything__echo', '{}');
    expect(invalid.isError).toBe(true);
    expect(invalid.text).toMatch(/message/);
    await expect(callNamed(sut, 'fail', '{"a":')).resolves.toMatchObject({
      isError: true,
      text: expect.stringMatching(
        /^Invalid arguments for MCP tool fail: not valid JSON/,
      ),
    });
    await expect(callNamed(sut, 'fail', '[1]')).resolves.toMatchObject({
      isError: true,
      text: 'Invalid arguments for MCP tool fail: expected a JSON object',
    });
    expect(sut.resolveTool('nope', ANY_MCP_TOOL)).toBeUndefined();
    const echo = sut.resolveTool('test__echo', ANY_MCP_TOOL)!;
    await expect(
      sut.callTool({ ...echo, server: 'gone' }, '{}'),
    ).resolves.toMatchObject({
      isError: true,
      text: 'Unknown MCP tool test__echo',
    });
  });

  it('times out a slow tool at the server timeout, which a call may only shorten', async () => {
    const bounded = await callNamed(sut, 'sleep', '{"ms":5000}', {
      timeoutMs: 60_000,
    });
    expect(bounded).toMatchObject({
      isError: true,
      text: 'MCP tool sleep on server test timed out after 500 ms',
    });
    const shortened = await callNamed(
      sut,
      'everything__trigger-long-running-operation',
      '{"duration":5,"steps":5}',
      { timeoutMs: 200 },
    );
    expect(shortened).toMatchObject({
      isError: true,
      text: 'MCP tool trigger-long-running-operation on server everything timed out after 200 ms',
    });
    // The connection survives a timeout.
    expect(
      (await callNamed(sut, 'test__echo', '{"text":"after"}')).isError,
    ).toBe(false);
  });

  it('rejects only when the caller aborts', async () => {
    const controller = new AbortController();
    const call = callNamed(sut, 'sleep', '{"ms":400}', {
      signal: controller.signal,
    });
    controller.abort(new Error('client went away'));
    await expect(call).rejects.toThrow('client went away');
    const already = callNamed(sut, 'fail', '{}', { signal: controller.signal });
    await expect(already).rejects.toThrow('client went away');
    expect(statusOf(sut, 'test').connected).toBe(true);
  });
});
