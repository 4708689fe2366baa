import { describeError, isMcpError, MCP_ERROR_CODE } from './mcp-errors.js';
import {
  mcpErrorResult,
  toMcpToolResult,
  type CallToolResultLike,
} from './mcp-result.mapper.js';
import type { McpToolMetrics } from './mcp-tool-metrics.js';
import type { McpCallOptions, McpToolResult } from './mcp.types.js';
import { parseToolArguments } from './tool-arguments.js';

/** How one tools/call request is sent. */
export interface McpSendOptions {
  timeout: number;
  signal?: AbortSignal;
}

/**
 * An MCP server a tool call can go to: a configured server's connection or
 * a hosted server of one request. It only talks to the SDK; callMcpTool
 * turns what goes wrong into results.
 */
export interface McpToolCaller {
  /** The server in error texts: its config name or its `server_label`. */
  readonly name: string;
  /** The longest a call may take; a call may ask for less, never more. */
  readonly toolTimeoutMs: number;
  readonly connected: boolean;
  /** Why the server is not connected, when it is known. */
  readonly lastError: string | null;
  /**
   * Sends tools/call.
   * @throws the SDK's error: an abort, a timeout, a lost connection, a protocol error.
   */
  send(
    tool: string,
    args: Record<string, unknown>,
    options: McpSendOptions,
  ): Promise<CallToolResultLike>;
}

/** One call of one tool. */
export interface McpToolCall {
  caller: McpToolCaller;
  /** The tool's own name on its server. */
  tool: string;
  /** The name invalid arguments are reported under. */
  calledAs: string;
  argumentsJson: string;
  /** Labels of gateway_mcp_tool_calls_total: bounded values only. */
  metricLabels: { server: string; tool: string };
}

/**
 * Runs one MCP tool call: the one place where a failure becomes a result.
 * Never rejects except when `options.signal` aborts: invalid JSON
 * arguments, a disconnected server, a tool that throws, times out or
 * reports isError all resolve with `isError: true` and a text the model
 * can read. Every call that reached the server's side is counted.
 */
export async function callMcpTool(
  call: McpToolCall,
  options: McpCallOptions,
  metrics: McpToolMetrics,
): Promise<McpToolResult> {
  const args = parseToolArguments(call.argumentsJson);
  if (typeof args === 'string') {
    return mcpErrorResult(
      `Invalid arguments for MCP tool ${call.calledAs}: ${args}`,
      null,
    );
  }
  options.signal?.throwIfAborted();
  const { server, tool } = call.metricLabels;
  const timer = metrics.start(server, tool);
  const timeout = Math.min(
    options.timeoutMs ?? call.caller.toolTimeoutMs,
    call.caller.toolTimeoutMs,
  );
  try {
    return timer.end(await send(call, args, timeout, options.signal));
  } catch (error) {
    if (options.signal?.aborted) {
      timer.aborted();
      throw error;
    }
    const what = `MCP tool ${call.tool} on server ${call.caller.name}`;
    return timer.end(
      mcpErrorResult(
        isMcpError(error, MCP_ERROR_CODE.RequestTimeout)
          ? `${what} timed out after ${timeout} ms`
          : `${what} failed: ${describeError(error)}`,
        error,
      ),
    );
  }
}

async function send(
  { caller, tool }: McpToolCall,
  args: Record<string, unknown>,
  timeout: number,
  signal: AbortSignal | undefined,
): Promise<McpToolResult> {
  if (!caller.connected) {
    const reason = caller.lastError ? `: ${caller.lastError}` : '';
    return mcpErrorResult(
      `MCP server ${caller.name} is not connected${reason}`,
      null,
    );
  }
  const result = await caller.send(tool, args, {
    timeout,
    ...(signal === undefined ? {} : { signal }),
  });
  return toMcpToolResult(tool, result);
}

/**
 * A tool call as the tool loop gets it: callMcpTool maps every failure, so
 * a call that still throws or rejects is a bug; the model reads it as the
 * tool's error, and the request goes on. An abort still rejects.
 */
export async function containedToolCall(
  calledAs: string,
  signal: AbortSignal,
  call: () => Promise<McpToolResult>,
): Promise<McpToolResult> {
  try {
    return await call();
  } catch (error) {
    if (signal.aborted) {
      throw error;
    }
    return mcpErrorResult(
      `MCP tool ${calledAs} failed: ${describeError(error)}`,
      error,
    );
  }
}
