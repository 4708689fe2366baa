import { describe, expect, it } from 'vitest';
import {
  exposeMcpTools,
  splitPrefixedToolName,
  type McpCachedTool,
} from './mcp-tool-naming.js';

const tool = (server: string, name: string): McpCachedTool => ({
  server,
  tool: name,
  description: `${server}'s ${name}`,
  inputSchema: { type: 'object' },
});

const names = (
  bindings: { exposedName: string; server: string; tool: string }[],
): string[] => bindings.map((b) => `${b.exposedName}=${b.server}/${b.tool}`);

const NONE = new Set<string>();
const tools = [
  tool('a', 'echo'),
  tool('a', 'sum'),
  tool('b', 'echo'),
  tool('b', 'read'),
];

describe(exposeMcpTools.name, () => {
  it('on-conflict: prefixes only names two servers share', () => {
    const sut = exposeMcpTools(tools, NONE, 'on-conflict');
    expect(names(sut)).toEqual([
      'a__echo=a/echo',
      'sum=a/sum',
      'b__echo=b/echo',
      'read=b/read',
    ]);
    expect(sut[1]).toEqual({ exposedName: 'sum', ...tools[1] });
  });

  it('on-conflict: prefixes an MCP tool whose name a client tool takes', () => {
    const sut = exposeMcpTools(tools, new Set(['sum']), 'on-conflict');
    expect(names(sut)).toContain('a__sum=a/sum');
    expect(sut.map((b) => b.exposedName)).not.toContain('sum');
  });

  it('always: prefixes every tool', () => {
    expect(names(exposeMcpTools(tools, NONE, 'always'))).toEqual([
      'a__echo=a/echo',
      'a__sum=a/sum',
      'b__echo=b/echo',
      'b__read=b/read',
    ]);
  });

  it('never: keeps names, the first server wins a clash, client tools win over all', () => {
    expect(names(exposeMcpTools(tools, new Set(['read']), 'never'))).toEqual([
      'echo=a/echo',
      'sum=a/sum',
    ]);
  });

  it('drops an MCP tool when a client tool already has its prefixed name', () => {
    const sut = exposeMcpTools(
      tools,
      new Set(['sum', 'a__sum']),
      'on-conflict',
    );
    expect(sut.some((b) => b.tool === 'sum')).toBe(false);
  });

  it('keeps exposed names unique when a tool name looks prefixed', () => {
    const odd = [tool('b', 'a__echo'), ...tools];
    const sut = exposeMcpTools(odd, NONE, 'on-conflict');
    const exposed = sut.map((b) => b.exposedName);
    expect(new Set(exposed).size).toBe(exposed.length);
    expect(names(sut)).toContain('a__echo=a/echo');
    expect(names(sut)).toContain('b__a__echo=b/a__echo');
  });
});

describe(splitPrefixedToolName.name, () => {
  it('splits at the first separator, since server names never contain it', () => {
    expect(splitPrefixedToolName('files__read__file')).toEqual({
      server: 'files',
      tool: 'read__file',
    });
  });

  it.each(['echo', '__echo', 'files__'])('returns undefined for %s', (name) => {
    expect(splitPrefixedToolName(name)).toBeUndefined();
  });
});
