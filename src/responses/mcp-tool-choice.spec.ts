import { describe, expect, it } from 'vitest';
import {
  type OfferedTool,
  RequestToolset,
} from '../mcp/tool-loop/request-toolset.js';
import { mcpToolChoiceRound } from './mcp-tool-choice.js';

function offered(serverLabel: string, toolName: string): OfferedTool {
  return {
    exposedName: `${serverLabel}__${toolName}`,
    serverLabel,
    toolName,
    requiresApproval: false,
    description: '',
    inputSchema: { type: 'object' },
    call: () =>
      Promise.resolve({ isError: false, text: '', images: [], raw: null }),
  };
}

const toolset = new RequestToolset(
  [offered('docs', 'search'), offered('docs', 'fetch'), offered('git', 'log')],
  [
    { serverLabel: 'docs', tools: [] },
    { serverLabel: 'git', tools: [] },
    { serverLabel: 'down', tools: [], error: 'connection refused' },
    { serverLabel: 'empty', tools: [] },
  ],
);

describe(mcpToolChoiceRound.name, () => {
  it('forces the named tool as the chat function it is offered as', () => {
    expect(
      mcpToolChoiceRound(
        { type: 'mcp', server_label: 'docs', name: 'fetch' },
        toolset,
      ),
    ).toEqual({
      tool_choice: { type: 'function', function: { name: 'docs__fetch' } },
    });
  });

  it('without a name, requires a call and offers only that server', () => {
    const round = mcpToolChoiceRound(
      { type: 'mcp', server_label: 'docs', name: null },
      toolset,
    );
    expect(round?.tool_choice).toBe('required');
    expect(round?.tools?.map((t) => t.function.name)).toEqual([
      'docs__search',
      'docs__fetch',
    ]);
  });

  it.each([
    [{ server_label: 'nope' }, 'tool_choice.server_label', /no MCP server/],
    [{ server_label: 'down' }, 'tool_choice.server_label', /refused/],
    [{ server_label: 'empty' }, 'tool_choice.server_label', /offers no tools/],
    [
      { server_label: 'git', name: 'search' },
      'tool_choice.name',
      /'git' has no tool named 'search'/,
    ],
  ])('refuses %j (param %s)', (choice, param, message) => {
    expect(() =>
      mcpToolChoiceRound({ type: 'mcp', ...choice }, toolset),
    ).toThrow(
      expect.objectContaining({
        code: 'invalid_request',
        param,
        message: expect.stringMatching(message),
      }),
    );
  });

  it('leaves every other tool_choice alone', () => {
    for (const choice of ['auto', 'required', { type: 'function' }, null]) {
      expect(mcpToolChoiceRound(choice, toolset)).toBeUndefined();
    }
  });
});
