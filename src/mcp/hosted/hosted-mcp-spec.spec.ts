import { describe, expect, it } from 'vitest';
import {
  hostedMcpSpecs,
  needsApproval,
  isToolAllowed,
} from './hosted-mcp-spec.js';

const allowed = ['https://mcp.example.com/tools/', 'http://127.0.0.1:9000'];
const mcp = (extra: Record<string, unknown> = {}) => ({
  type: 'mcp',
  server_label: 'remote',
  server_url: 'https://mcp.example.com/tools/mcp',
  ...extra,
});
const readOnly = { name: 'read', annotations: { readOnlyHint: true } };
const write = { name: 'write' };

describe(hostedMcpSpecs.name, () => {
  it('reads the hosted mcp tools with their headers, filters and policy', () => {
    const sut = hostedMcpSpecs(
      [
        { type: 'function', name: 'f' },
        mcp({
          headers: { 'x-key': 'k' },
          authorization: 'tok',
          allowed_tools: { tool_names: ['read'] },
          require_approval: { never: { read_only: true } },
        }),
      ],
      allowed,
    );
    expect(sut).toEqual([
      {
        index: 1,
        serverLabel: 'remote',
        serverUrl: 'https://mcp.example.com/tools/mcp',
        headers: { 'x-key': 'k', authorization: 'Bearer tok' },
        allowedTools: { toolNames: ['read'] },
        requireApproval: { never: { readOnly: true } },
      },
    ]);
  });

  it.each([
    [
      mcp({ server_url: 'https://evil.example.com/mcp' }),
      'tools[0].server_url',
    ],
    [mcp({ server_url: undefined, connector_id: 'c' }), 'tools[0].server_url'],
    [mcp({ server_label: 'a__b' }), 'tools[0].server_label'],
    [mcp({ headers: { n: 1 } }), 'tools[0].headers'],
    [mcp({ require_approval: 'sometimes' }), 'tools[0].require_approval'],
  ])('rejects %j naming %s', (tool, param) => {
    expect(() => hostedMcpSpecs([tool], allowed)).toThrow(
      expect.objectContaining({
        code: 'invalid_request',
        options: expect.objectContaining({ param }),
      }),
    );
  });

  it('is off without MCP_REMOTE_SERVERS_ALLOWED', () => {
    expect(() => hostedMcpSpecs([mcp()], [])).toThrow(/not allowed/);
  });

  it('refuses two tools with the same server_label', () => {
    expect(() => hostedMcpSpecs([mcp(), mcp()], allowed)).toThrow(/Duplicate/);
  });
});

describe(needsApproval.name, () => {
  it('asks by default and never with "never"', () => {
    expect(needsApproval('always', write)).toBe(true);
    expect(needsApproval('never', write)).toBe(false);
  });

  it('applies always/never lists; unlisted tools need approval unless only "always" was given', () => {
    expect(needsApproval({ never: { readOnly: true } }, readOnly)).toBe(false);
    expect(needsApproval({ never: { readOnly: true } }, write)).toBe(true);
    expect(needsApproval({ always: { toolNames: ['write'] } }, write)).toBe(
      true,
    );
    expect(needsApproval({ always: { toolNames: ['write'] } }, readOnly)).toBe(
      false,
    );
  });
});

describe(isToolAllowed.name, () => {
  it('keeps every tool without allowed_tools, else only the selected ones', () => {
    const spec = hostedMcpSpecs([mcp()], allowed)[0]!;
    expect(isToolAllowed(spec, write)).toBe(true);
    const readOnlyOnly = { ...spec, allowedTools: { readOnly: true } };
    expect(isToolAllowed(readOnlyOnly, readOnly)).toBe(true);
    expect(isToolAllowed(readOnlyOnly, write)).toBe(false);
  });
});
