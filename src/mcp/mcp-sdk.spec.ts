import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import {
  isMcpError,
  isTransportFailure,
  MCP_ERROR_CODE,
} from './mcp-errors.js';
import { loadedMcpSdk, loadMcpSdk } from './mcp-sdk.js';

describe(loadMcpSdk.name, () => {
  it('loads the SDK once, as the same classes a static import gets', async () => {
    expect(loadedMcpSdk()).toBeUndefined();
    const sdk = await loadMcpSdk();
    expect(sdk.Client).toBe(Client);
    expect(sdk.McpError).toBe(McpError);
    expect(loadedMcpSdk()).toBe(sdk);
    expect(await loadMcpSdk()).toBe(sdk);
  });

  it('names the error codes as the SDK numbers them', () => {
    expect(MCP_ERROR_CODE.ConnectionClosed).toBe(ErrorCode.ConnectionClosed);
    expect(MCP_ERROR_CODE.RequestTimeout).toBe(ErrorCode.RequestTimeout);
  });

  it('tells MCP errors apart once the SDK is loaded', async () => {
    await loadMcpSdk();
    const timeout = new McpError(ErrorCode.RequestTimeout, 'late');
    expect(isMcpError(timeout, MCP_ERROR_CODE.RequestTimeout)).toBe(true);
    expect(isTransportFailure(timeout)).toBe(false);
    expect(
      isTransportFailure(new McpError(ErrorCode.ConnectionClosed, 'gone')),
    ).toBe(true);
    expect(isTransportFailure(new Error('ECONNRESET'))).toBe(true);
  });
});
