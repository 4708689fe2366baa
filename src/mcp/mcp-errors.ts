import { loadedMcpSdk } from './mcp-sdk.js';

/**
 * The SDK's ErrorCode values the gateway tells apart, as numbers: the SDK
 * is imported on first use (mcp-sdk.ts), so its enum is not there at start.
 */
export const MCP_ERROR_CODE = {
  ConnectionClosed: -32000,
  RequestTimeout: -32001,
} as const;

/** The SDK's McpError; none can exist before the SDK is loaded. */
function isSdkMcpError(error: unknown): error is { code: number } {
  const sdk = loadedMcpSdk();
  return sdk !== undefined && error instanceof sdk.McpError;
}

/**
 * True when the connection itself is gone (a closed transport, a network
 * error), not when the server merely answered one request with an error.
 */
export function isTransportFailure(error: unknown): boolean {
  return (
    !isSdkMcpError(error) || error.code === MCP_ERROR_CODE.ConnectionClosed
  );
}

/** True for an MCP protocol error with this code, e.g. RequestTimeout. */
export function isMcpError(error: unknown, code: number): boolean {
  return isSdkMcpError(error) && error.code === code;
}

/** The message of any thrown value. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
