import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { Registry } from 'prom-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { mcpErrorResult } from './mcp-result.mapper.js';
import { McpToolMetrics, mcpToolOutcome } from './mcp-tool-metrics.js';
import { loadMcpSdk } from './mcp-sdk.js';

// The errors are told apart by the SDK's McpError, known once it is loaded.
beforeAll(() => loadMcpSdk());

describe(McpToolMetrics.name, () => {
  it('counts each call by server, tool and outcome, and times it', async () => {
    const registry = new Registry();
    const sut = new McpToolMetrics(registry);
    const ok = { isError: false, text: 'hi', images: [], raw: {} };
    expect(sut.start('s', 'echo').end(ok)).toBe(ok);
    sut.start('s', 'echo').aborted();
    const calls = await registry
      .getSingleMetric('gateway_mcp_tool_calls_total')!
      .get();
    expect(
      calls.values.map((v) => [
        v.labels.server,
        v.labels.tool,
        v.labels.outcome,
        v.value,
      ]),
    ).toEqual([
      ['s', 'echo', 'ok', 1],
      ['s', 'echo', 'aborted', 1],
    ]);
    const text = await registry.metrics();
    expect(text).toContain(
      'gateway_mcp_tool_call_duration_seconds_count{server="s",tool="echo",outcome="ok"} 1',
    );
  });
});

describe(mcpToolOutcome.name, () => {
  it('tells a timeout from other errors', () => {
    const timeout = new McpError(ErrorCode.RequestTimeout, 'late');
    expect(mcpToolOutcome(mcpErrorResult('late', timeout))).toBe('timeout');
    expect(mcpToolOutcome(mcpErrorResult('bad', new Error('x')))).toBe('error');
    expect(mcpToolOutcome(mcpErrorResult('not connected', null))).toBe('error');
  });
});
