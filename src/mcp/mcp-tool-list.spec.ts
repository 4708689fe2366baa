import { describe, expect, it } from 'vitest';
import { filterServerTools } from './mcp-tool-list.js';

const schema = { type: 'object' as const };
const tools = [
  { name: 'read', description: 'Reads', inputSchema: schema },
  { name: 'write', title: 'Write a file', inputSchema: schema },
  { name: 'delete', inputSchema: schema },
];

describe(filterServerTools.name, () => {
  it('keeps every tool without filters, with description or title', () => {
    expect(filterServerTools(tools, { name: 'fs' })).toEqual([
      { server: 'fs', tool: 'read', description: 'Reads', inputSchema: schema },
      {
        server: 'fs',
        tool: 'write',
        description: 'Write a file',
        inputSchema: schema,
      },
      { server: 'fs', tool: 'delete', description: '', inputSchema: schema },
    ]);
  });

  it('applies allowedTools, then disabledTools', () => {
    const sut = filterServerTools(tools, {
      name: 'fs',
      allowedTools: ['read', 'write'],
      disabledTools: ['write'],
    });
    expect(sut.map((t) => t.tool)).toEqual(['read']);
  });
});
