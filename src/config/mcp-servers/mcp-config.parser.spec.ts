import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadMcpServersConfig,
  McpConfigError,
  parseMcpServersConfig,
} from './mcp-config.parser.js';

const parse = (
  servers: unknown,
  env: Record<string, string | undefined> = {},
): ReturnType<typeof parseMcpServersConfig> =>
  parseMcpServersConfig(JSON.stringify({ mcpServers: servers }), env);

const problemsOf = (servers: unknown, env = {}): string[] => {
  try {
    parse(servers, env);
  } catch (error) {
    if (error instanceof McpConfigError) {
      return error.problems;
    }
    throw error;
  }
  throw new Error('expected the config to be rejected');
};

describe(parseMcpServersConfig.name, () => {
  it('reads stdio and HTTP servers in file order with their options', () => {
    const sut = parse({
      files: {
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-filesystem', '/data'],
        env: { LOG: 'debug' },
        cwd: '/srv',
        allowedTools: ['read_file'],
        toolTimeoutMs: 5000,
        autoApprove: ['ignored by the gateway'],
      },
      remote: {
        url: 'https://mcp.example.com/mcp',
        headers: { 'X-Team': 'core' },
        disabledTools: ['delete'],
      },
      legacy: { url: 'http://127.0.0.1:3001/sse', transport: 'sse' },
    });
    expect(sut).toEqual([
      {
        kind: 'stdio',
        name: 'files',
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-filesystem', '/data'],
        env: { LOG: 'debug' },
        cwd: '/srv',
        allowedTools: ['read_file'],
        toolTimeoutMs: 5000,
      },
      {
        kind: 'http',
        name: 'remote',
        url: 'https://mcp.example.com/mcp',
        headers: { 'X-Team': 'core' },
        transport: 'streamable-http',
        disabledTools: ['delete'],
      },
      {
        kind: 'http',
        name: 'legacy',
        url: 'http://127.0.0.1:3001/sse',
        headers: {},
        transport: 'sse',
      },
    ]);
  });

  it('accepts the `type` spelling of Cursor and Claude Code', () => {
    const [sse, http] = parse({
      a: { url: 'http://h/sse', type: 'sse' },
      b: { url: 'http://h/mcp', type: 'http' },
    });
    expect(sse).toMatchObject({ transport: 'sse' });
    expect(http).toMatchObject({ transport: 'streamable-http' });
  });

  it('expands ${VAR} and ${VAR:-default} in env and headers only', () => {
    const [stdio, http] = parse(
      {
        gh: {
          command: 'gh-mcp',
          args: ['${NOT_EXPANDED}'],
          env: { TOKEN: '${GH_TOKEN}', MODE: '${GH_MODE:-read}' },
        },
        api: {
          url: 'https://api.example.com/mcp',
          headers: { Authorization: 'Bearer ${API_KEY}', Fixed: 'plain $HOME' },
        },
      },
      { GH_TOKEN: 'ghp_secret', API_KEY: 'k-123' },
    );
    expect(stdio).toMatchObject({
      args: ['${NOT_EXPANDED}'],
      env: { TOKEN: 'ghp_secret', MODE: 'read' },
    });
    expect(http).toMatchObject({
      headers: { Authorization: 'Bearer k-123', Fixed: 'plain $HOME' },
    });
  });

  it('reports the expanded values and the credential headers as secrets', () => {
    const secrets: string[] = [];
    parseMcpServersConfig(
      JSON.stringify({
        mcpServers: {
          gh: { command: 'gh-mcp', env: { TOKEN: '${GH_TOKEN}', LOG: 'x' } },
          api: {
            url: 'https://api.example.com/mcp',
            headers: { 'X-Api-Key': 'literal-key', 'X-Team': 'core' },
          },
        },
      }),
      { GH_TOKEN: 'ghp_secret' },
      'mcp.json',
      (secret) => secrets.push(secret),
    );
    expect(secrets).toEqual(['ghp_secret', 'literal-key']);
  });

  it('returns no servers for an empty mcpServers object', () => {
    expect(parse({})).toEqual([]);
  });

  it.each([
    [{ s: {} }, 'mcpServers.s.command: needs either command (stdio) or url'],
    [{ s: { command: 'x', url: 'http://h' } }, 'mcpServers.s.url: give either'],
    [
      { s: { command: 42 } },
      'mcpServers.s.command: must be a non-empty string',
    ],
    [
      { s: { command: 'x', args: 'a b' } },
      'mcpServers.s.args: must be an array of strings',
    ],
    [
      { s: { command: 'x', env: ['A=1'] } },
      'mcpServers.s.env: must be an object of strings',
    ],
    [
      { s: { command: 'x', env: { A: 1 } } },
      'mcpServers.s.env.A: must be a string',
    ],
    [
      { s: { command: 'x', cwd: '' } },
      'mcpServers.s.cwd: must be a non-empty string',
    ],
    [
      { s: { url: 'ftp://h/x' } },
      'mcpServers.s.url: must be an absolute http:// or https:// URL',
    ],
    [{ s: { url: 'not a url' } }, 'mcpServers.s.url: must be an absolute'],
    [
      { s: { url: 'http://h', transport: 'websocket' } },
      'mcpServers.s.transport: must be one of streamable-http, sse',
    ],
    [
      { s: { url: 'http://h', headers: { A: true } } },
      'mcpServers.s.headers.A: must be a string',
    ],
    [
      { s: { command: 'x', allowedTools: [1] } },
      'mcpServers.s.allowedTools: must be an array of strings',
    ],
    [
      { s: { command: 'x', disabledTools: 'rm' } },
      'mcpServers.s.disabledTools: must be an array of strings',
    ],
    [
      { s: { command: 'x', toolTimeoutMs: 0 } },
      'mcpServers.s.toolTimeoutMs: must be a positive integer',
    ],
    [
      { s: { command: 'x', toolTimeoutMs: '5000' } },
      'mcpServers.s.toolTimeoutMs: must be a positive integer',
    ],
    [{ s: 'npx server' }, 'mcpServers.s: must be an object'],
    [{ 'a b': { command: 'x' } }, 'mcpServers.a b: server name must be'],
    [{ a__b: { command: 'x' } }, 'mcpServers.a__b: server name must be'],
  ])('rejects %j naming the server and field', (servers, expected) => {
    expect(problemsOf(servers).join('\n')).toContain(expected);
  });

  it('names an unset variable with the server and field that reference it', () => {
    expect(
      problemsOf({
        gh: {
          url: 'http://h',
          headers: { Authorization: 'Bearer ${GH_TOKEN}' },
        },
      }),
    ).toEqual([
      'mcpServers.gh.headers.Authorization: references unset environment variable GH_TOKEN',
    ]);
  });

  it('lists every problem of every server at once', () => {
    const problems = problemsOf({
      a: { command: 'x', toolTimeoutMs: -1 },
      b: { url: 'http://h', transport: 'ws' },
    });
    expect(problems).toEqual([
      'mcpServers.a.toolTimeoutMs: must be a positive integer',
      'mcpServers.b.transport: must be one of streamable-http, sse',
    ]);
  });

  it.each([
    ['{"mcpServers": {', 'invalid JSON'],
    ['[]', 'mcpServers: must be an object'],
    ['{"servers": {}}', 'mcpServers: must be an object'],
    ['{"mcpServers": []}', 'mcpServers: must be an object'],
  ])('rejects the document %s', (text, expected) => {
    expect(() => parseMcpServersConfig(text, {}, 'mcp.json')).toThrow(
      new RegExp(
        `^Invalid MCP servers config mcp.json: .*${expected.replace(/[[\]]/g, '\\$&')}`,
      ),
    );
  });
});

describe(loadMcpServersConfig.name, () => {
  it('reads a file from disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-config-'));
    const path = join(dir, 'mcp.json');
    writeFileSync(
      path,
      JSON.stringify({ mcpServers: { s: { command: 'x' } } }),
    );
    expect(loadMcpServersConfig(path, {})).toMatchObject([
      { name: 's', command: 'x' },
    ]);
  });

  it('fails with the path when the file cannot be read', () => {
    expect(() => loadMcpServersConfig('/nonexistent/mcp.json', {})).toThrow(
      /^Invalid MCP servers config \/nonexistent\/mcp.json: cannot read the file/,
    );
  });
});
