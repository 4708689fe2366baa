import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

/**
 * True when the connection itself is gone (a closed transport, a network
 * error), not when the server merely answered one request with an error.
 */
export function isTransportFailure(error: unknown): boolean {
  return (
    !(error instanceof McpError) ||
    error.code === Number(ErrorCode.ConnectionClosed)
  );
}

/** True for an MCP protocol error with this code, e.g. RequestTimeout. */
export function isMcpError(error: unknown, code: ErrorCode): boolean {
  return error instanceof McpError && error.code === Number(code);
}

/** The message of any thrown value. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
