import type { IncomingHttpHeaders } from 'node:http';
import {
  MCP_TOOLS_HEADER,
  TOOL_CALL_FORMAT_HEADER,
} from '../../protocol/gateway-headers.js';

/** What a client's own request headers ask of its model calls. */
export interface ClientCallOptions {
  /** Upstream headers: the client's Authorization, when it is forwarded. */
  headers?: Record<string, string>;
  /** The `x-mcp-tools` header. */
  mcpTools?: string;
  /** The `x-tool-call-format` header. */
  toolCallFormat?: string;
}

/**
 * The upstream headers that carry the client's own Authorization, when
 * FORWARD_CLIENT_AUTH is on and the client sent one; it then replaces the
 * upstream's configured key.
 */
export function forwardedAuthHeaders(
  authorization: string | undefined,
  forwardClientAuth: boolean,
): Record<string, string> | undefined {
  return forwardClientAuth && authorization ? { authorization } : undefined;
}

/**
 * The client's credential as an Authorization value: its own header, else
 * its `x-api-key` (what Anthropic's clients send) as a Bearer token, so
 * that FORWARD_CLIENT_AUTH forwards either kind of key.
 */
export function clientAuthorization(
  headers: IncomingHttpHeaders,
): string | undefined {
  const apiKey = headers['x-api-key'];
  if (headers.authorization !== undefined || typeof apiKey !== 'string') {
    return headers.authorization;
  }
  return `Bearer ${apiKey}`;
}

/** The ClientCallOptions of a request's headers. */
export function clientCallOptions(
  headers: IncomingHttpHeaders,
  forwardClientAuth: boolean,
): ClientCallOptions {
  const mcpTools = headers[MCP_TOOLS_HEADER];
  const toolCallFormat = headers[TOOL_CALL_FORMAT_HEADER];
  return {
    headers: forwardedAuthHeaders(
      clientAuthorization(headers),
      forwardClientAuth,
    ),
    ...(typeof mcpTools === 'string' ? { mcpTools } : {}),
    ...(typeof toolCallFormat === 'string' ? { toolCallFormat } : {}),
  };
}
