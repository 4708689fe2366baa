import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { Registry } from 'prom-client';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CallToolResultLike } from './mcp-result.mapper.js';
import {
  callMcpTool,
  containedToolCall,
  type McpSendOptions,
  type McpToolCaller,
} from './mcp-tool-call.js';
import { McpToolMetrics } from './mcp-tool-metrics.js';
import { loadMcpSdk } from './mcp-sdk.js';

// The errors are told apart by the SDK's McpError, known once it is loaded.
beforeAll(() => loadMcpSdk());

/** A server that answers every call with `answer`, and records what it was sent. */
function caller(
  answer: (options: McpSendOptions) => Promise<CallToolResultLike>,
  state: Partial<Pick<McpToolCaller, 'connected' | 'lastError'>> = {},
): McpToolCaller & { sent: McpSendOptions[] } {
  const sent: McpSendOptions[] = [];
  return {
    name: 'srv',
    toolTimeoutMs: 1_000,
    connected: state.connected ?? true,
    lastError: state.lastError ?? null,
    sent,
    send: (_tool, _args, options) => {
      sent.push(options);
      return answer(options);
    },
  };
}

function setUp(server: McpToolCaller) {
  const registry = new Registry();
  const metrics = new McpToolMetrics(registry);
  const call = (argumentsJson = '{}', options = {}) =>
    callMcpTool(
      {
        caller: server,
        tool: 'echo',
        calledAs: 'srv__echo',
        argumentsJson,
        metricLabels: { server: 'srv', tool: 'echo' },
      },
      options,
      metrics,
    );
  const outcomes = async (): Promise<string[]> =>
    (
      await registry.getSingleMetric('gateway_mcp_tool_calls_total')!.get()
    ).values
      .filter((v) => v.value > 0)
      .map((v) => `${String(v.labels.outcome)}:${v.value}`);
  return { call, outcomes };
}

describe(callMcpTool.name, () => {
  it('maps the content of a result, and counts the call', async () => {
    const { call, outcomes } = setUp(
      caller(() =>
        Promise.resolve({ content: [{ type: 'text', text: 'hi' }] }),
      ),
    );
    expect(await call()).toMatchObject({ isError: false, text: 'hi' });
    expect(await outcomes()).toEqual(['ok:1']);
  });

  it('reports invalid arguments under the called name without sending them', async () => {
    const server = caller(() => Promise.resolve({}));
    const { call, outcomes } = setUp(server);
    expect(await call('[1]')).toMatchObject({
      isError: true,
      text: 'Invalid arguments for MCP tool srv__echo: expected a JSON object',
    });
    expect(server.sent).toEqual([]);
    expect(await outcomes()).toEqual([]);
  });

  it('reports a disconnected server with its last error', async () => {
    const server = caller(() => Promise.resolve({}), {
      connected: false,
      lastError: 'ECONNREFUSED',
    });
    const { call, outcomes } = setUp(server);
    expect((await call()).text).toBe(
      'MCP server srv is not connected: ECONNREFUSED',
    );
    expect(server.sent).toEqual([]);
    expect(await outcomes()).toEqual(['error:1']);
  });

  it('bounds the call by the shorter timeout and names it when it passes', async () => {
    const server = caller(() =>
      Promise.reject(new McpError(ErrorCode.RequestTimeout, 'late')),
    );
    const { call, outcomes } = setUp(server);
    expect(await call('{}', { timeoutMs: 200 })).toMatchObject({
      isError: true,
      text: 'MCP tool echo on server srv timed out after 200 ms',
    });
    await call('{}', { timeoutMs: 5_000 });
    expect(server.sent.map((options) => options.timeout)).toEqual([200, 1_000]);
    expect(await outcomes()).toEqual(['timeout:2']);
  });

  it('turns any other error into a failure the model can read', async () => {
    const { call, outcomes } = setUp(
      caller(() => Promise.reject(new Error('socket hang up'))),
    );
    const result = await call();
    expect(result).toMatchObject({
      isError: true,
      text: 'MCP tool echo on server srv failed: socket hang up',
    });
    expect(result.raw).toBeInstanceOf(Error);
    expect(await outcomes()).toEqual(['error:1']);
  });

  it('rejects when its signal aborts, counted as aborted', async () => {
    const abort = new AbortController();
    const { call, outcomes } = setUp(
      caller(
        (options) =>
          new Promise((_resolve, reject) =>
            options.signal?.addEventListener('abort', () =>
              reject(new Error('request cancelled')),
            ),
          ),
      ),
    );
    const running = call('{}', { signal: abort.signal });
    abort.abort();
    await expect(running).rejects.toThrow('request cancelled');
    expect(await outcomes()).toEqual(['aborted:1']);
  });
});

describe(containedToolCall.name, () => {
  it('gives the model an error for a call that throws instead of resolving', async () => {
    const result = await containedToolCall(
      'boom',
      new AbortController().signal,
      () => {
        throw new Error('exploded');
      },
    );
    expect(result).toMatchObject({
      isError: true,
      text: 'MCP tool boom failed: exploded',
    });
  });

  it('still rejects once the signal aborted', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(
      containedToolCall('boom', abort.signal, () =>
        Promise.reject(new Error('aborted')),
      ),
    ).rejects.toThrow('aborted');
  });
});
