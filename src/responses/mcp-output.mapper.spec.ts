import { describe, expect, it } from 'vitest';
import { listedTool, mcpCallOutcome } from './mcp-output.mapper.js';

describe(mcpCallOutcome.name, () => {
  it('maps output, tool errors and protocol errors to the spec shapes', () => {
    expect(
      mcpCallOutcome({ isError: false, text: 'ok', images: [], raw: null }),
    ).toEqual({ output: 'ok' });
    const content = [{ type: 'text', text: 'bad input' }];
    expect(
      mcpCallOutcome({
        isError: true,
        text: 'bad input',
        images: [],
        raw: { isError: true, content },
      }),
    ).toEqual({
      error: { type: 'mcp_tool_execution_error', content },
    });
    const timeout = Object.assign(new Error('timed out'), { code: -32001 });
    expect(
      mcpCallOutcome({
        isError: true,
        text: 'timed out',
        images: [],
        raw: timeout,
      }),
    ).toEqual({
      error: { type: 'mcp_protocol_error', code: -32001, message: 'timed out' },
    });
    expect(
      mcpCallOutcome({
        isError: true,
        text: 'not connected',
        images: [],
        raw: null,
      }),
    ).toEqual({
      error: {
        type: 'mcp_tool_execution_error',
        content: [{ type: 'text', text: 'not connected' }],
      },
    });
  });
});

describe(listedTool.name, () => {
  it('names the tool by its own name, with null for what the server left out', () => {
    expect(
      listedTool({
        server: 's',
        tool: 'echo',
        description: '',
        inputSchema: { type: 'object' },
      }),
    ).toEqual({
      name: 'echo',
      description: null,
      input_schema: { type: 'object' },
      annotations: null,
    });
  });
});
