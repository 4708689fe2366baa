import { Readable } from 'node:stream';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import type { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { readBoundedLines } from '../common/logging/bounded-lines.js';
import { knownSecrets } from '../common/logging/secret-redactor.js';
import type {
  McpHttpServerConfig,
  McpServerConfig,
  McpStdioServerConfig,
} from '../config/mcp-servers/mcp-server-config.js';
import type { McpTransportKind } from '../config/mcp-servers/mcp-names.js';
import { loadMcpSdk, type McpSdk } from './mcp-sdk.js';

/** A client that finished the MCP handshake. */
export interface OpenedMcpClient {
  client: Client;
  kind: McpTransportKind;
  /** The stdio child's pid; null for HTTP servers. */
  pid: number | null;
}

/** How {@link openMcpClient} connects. */
export interface OpenMcpClientOptions {
  /** A fresh client with its handlers set; called once per attempted transport. */
  newClient: (sdk: McpSdk) => Client;
  /** Skip the streamable HTTP attempt (the server answered as SSE-only before). */
  preferSse: boolean;
  /** Bound on the initialize handshake. */
  connectTimeoutMs: number;
  /** Each stderr line of a stdio child, cut to MAX_LOGGED_TEXT_BYTES. */
  onStderrLine: (line: string) => void;
  /** Aborting closes the transport being opened (and kills a stdio child). */
  signal: AbortSignal;
  /**
   * The fetch of HTTP transports, for every request they make: the first,
   * each redirect hop they follow, the SSE stream and its `endpoint`
   * POSTs. Hosted servers pass one that checks every URL (see
   * allowlistedFetch). Default: the global fetch.
   */
  fetch?: FetchLike;
}

/**
 * Connects to one MCP server. HTTP servers are tried with streamable HTTP
 * first and, when they answer like an SSE-only server, over HTTP+SSE (the
 * backwards-compatibility procedure of the MCP spec).
 * @throws the connection error; a half-open client is closed first.
 */
export async function openMcpClient(
  config: McpServerConfig,
  options: OpenMcpClientOptions,
): Promise<OpenedMcpClient> {
  // The SDK is imported here, on the first connect (see mcp-sdk.ts).
  const sdk = await loadMcpSdk();
  if (config.kind === 'stdio') {
    return openStdio(sdk, config, options);
  }
  if (config.transport === 'sse' || options.preferSse) {
    return openSse(sdk, config, options);
  }
  try {
    return await connect(
      sdk,
      options,
      new sdk.StreamableHTTPClientTransport(new URL(config.url), {
        requestInit: { headers: config.headers },
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      }),
      'streamable-http',
    );
  } catch (error) {
    if (!answersLikeSseOnlyServer(sdk, error) || options.signal.aborted) {
      throw error;
    }
    return openSse(sdk, config, options);
  }
}

/**
 * Old HTTP+SSE servers have no POST handler on their URL, so the streamable
 * HTTP initialize POST fails with a 4xx (typically 404 or 405).
 */
function answersLikeSseOnlyServer(sdk: McpSdk, error: unknown): boolean {
  return (
    error instanceof sdk.StreamableHTTPError &&
    error.code !== undefined &&
    error.code >= 400 &&
    error.code < 500 &&
    error.code !== 401 &&
    error.code !== 403
  );
}

async function openStdio(
  sdk: McpSdk,
  config: McpStdioServerConfig,
  options: OpenMcpClientOptions,
): Promise<OpenedMcpClient> {
  const transport = new sdk.StdioClientTransport({
    command: config.command,
    args: config.args,
    env: config.env,
    ...(config.cwd === undefined ? {} : { cwd: config.cwd }),
    // Piped so the child's logs go through the gateway's logger, not raw to stderr.
    stderr: 'pipe',
  });
  const stderr = transport.stderr;
  if (stderr instanceof Readable) {
    // Never a whole line in memory: a child may write megabytes without a newline.
    readBoundedLines(stderr, options.onStderrLine, {
      beforeCut: (text) => knownSecrets.redact(text),
    });
  }
  const opened = await connect(sdk, options, transport, 'stdio');
  return { ...opened, pid: transport.pid };
}

function openSse(
  sdk: McpSdk,
  config: McpHttpServerConfig,
  options: OpenMcpClientOptions,
): Promise<OpenedMcpClient> {
  return connect(
    sdk,
    options,
    new sdk.SSEClientTransport(new URL(config.url), {
      requestInit: { headers: config.headers },
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    }),
    'sse',
  );
}

async function connect(
  sdk: McpSdk,
  options: OpenMcpClientOptions,
  transport:
    StdioClientTransport | StreamableHTTPClientTransport | SSEClientTransport,
  kind: McpTransportKind,
): Promise<OpenedMcpClient> {
  const client = options.newClient(sdk);
  let closing: Promise<void> | undefined;
  // Memoized: a second close() of a stdio transport returns before the child exits.
  const closeTransport = (): Promise<void> =>
    (closing ??= transport.close().catch(() => undefined));
  const onAbort = (): void => void closeTransport();
  options.signal.throwIfAborted();
  options.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await client.connect(transport, {
      timeout: options.connectTimeoutMs,
      signal: options.signal,
    });
  } catch (error) {
    // A failed handshake may leave a child process or an open stream behind.
    await closeTransport();
    throw error;
  } finally {
    options.signal.removeEventListener('abort', onAbort);
  }
  return { client, kind, pid: null };
}
