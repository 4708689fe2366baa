import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { credentialHeaderValues } from '../../common/logging/credential-headers.js';
import { knownSecrets } from '../../common/logging/secret-redactor.js';
import { describeError } from '../mcp-errors.js';
import type { CallToolResultLike } from '../mcp-result.mapper.js';
import type { McpSendOptions, McpToolCaller } from '../mcp-tool-call.js';
import { listServerTools } from '../mcp-tool-list.js';
import type { McpCachedTool } from '../mcp-tool-naming.js';
import { openMcpClient } from '../mcp-transport.factory.js';
import type { McpHttpServerConfig } from '../../config/mcp-servers/mcp-server-config.js';
import type { McpToolListing } from '../tool-loop/request-toolset.js';
import {
  isToolAllowed,
  needsApproval,
  type FilterableTool,
  type HostedMcpSpec,
} from './hosted-mcp-spec.js';
import { allowlistedFetch } from './hosted-mcp-url.js';

/** How a hosted server is reached. */
export interface HostedMcpServerOptions {
  clientInfo: { name: string; version: string };
  /** Bound on the handshake and on tools/list. */
  requestTimeoutMs: number;
  /** Bound on one tool call. */
  toolTimeoutMs: number;
  /**
   * MCP_REMOTE_SERVERS_ALLOWED: checked again on every request the
   * transports make (redirect hops, the SSE endpoint), not only on the URL
   * the client gave.
   */
  allowedPrefixes: readonly string[];
  /** Aborting stops a connect under way. */
  signal?: AbortSignal;
}

/**
 * The server of one hosted `{"type":"mcp"}` tool, connected over streamable
 * HTTP (or legacy SSE) for one request only: a short-lived SDK client that
 * `close()` ends. It only talks to the SDK; McpManagerService opens it and
 * runs its calls (callMcpTool). A server that cannot be reached or listed
 * is not an error of the request: it offers no tools and its listing
 * carries the error. Until `close()`, the request's tokens for it
 * (`authorization`, credential headers) are secrets the logs, errors and
 * listings are redacted of.
 */
export class HostedMcpServer implements McpToolCaller {
  /** Calls only reach a server that connected, so there is no reason to tell. */
  readonly lastError = null;

  private constructor(
    readonly spec: HostedMcpSpec,
    private readonly client: Client | null,
    /** The server's tools that the spec's allowed_tools lets through. */
    readonly tools: readonly McpCachedTool[],
    private readonly options: HostedMcpServerOptions,
    private readonly releaseSecrets: () => void,
    private readonly error?: string,
  ) {}

  /**
   * Connects and lists the tools; a failure becomes the listing's error.
   * @throws the abort reason when `options.signal` aborts.
   */
  static async connect(
    spec: HostedMcpSpec,
    options: HostedMcpServerOptions,
  ): Promise<HostedMcpServer> {
    const config: McpHttpServerConfig = {
      kind: 'http',
      name: spec.serverLabel,
      url: spec.serverUrl,
      headers: spec.headers,
      transport: 'streamable-http',
    };
    const releaseSecrets = knownSecrets.hold(
      credentialHeaderValues(spec.headers),
    );
    const server = (
      client: Client | null,
      tools: McpCachedTool[],
      error?: string,
    ) =>
      new HostedMcpServer(spec, client, tools, options, releaseSecrets, error);
    let client: Client | null = null;
    try {
      client = (
        await openMcpClient(config, {
          newClient: (sdk) =>
            new sdk.Client(options.clientInfo, { capabilities: {} }),
          preferSse: false,
          connectTimeoutMs: options.requestTimeoutMs,
          onStderrLine: () => undefined,
          signal: options.signal ?? new AbortController().signal,
          fetch: allowlistedFetch(options.allowedPrefixes),
        })
      ).client;
      const tools = await listServerTools(
        client,
        config,
        options.requestTimeoutMs,
      );
      return server(
        client,
        tools.filter((tool) => isToolAllowed(spec, filterable(tool))),
      );
    } catch (error) {
      await client?.close().catch(() => undefined);
      if (options.signal?.aborted) {
        releaseSecrets();
        options.signal.throwIfAborted();
      }
      return server(
        null,
        [],
        knownSecrets.redact(
          `Could not list the tools of MCP server '${spec.serverLabel}': ${describeError(error)}`,
        ),
      );
    }
  }

  get name(): string {
    return this.spec.serverLabel;
  }

  get connected(): boolean {
    return this.client !== null;
  }

  get toolTimeoutMs(): number {
    return this.options.toolTimeoutMs;
  }

  /** What the `mcp_list_tools` item shows. */
  get listing(): McpToolListing {
    return {
      serverLabel: this.spec.serverLabel,
      tools: this.tools,
      ...(this.error === undefined ? {} : { error: this.error }),
    };
  }

  /** Whether the spec's require_approval holds calls of `tool` for the user. */
  requiresApproval(tool: McpCachedTool): boolean {
    return needsApproval(this.spec.requireApproval, filterable(tool));
  }

  /** Sends tools/call. @throws the SDK's error (see McpToolCaller). */
  send(
    tool: string,
    args: Record<string, unknown>,
    options: McpSendOptions,
  ): Promise<CallToolResultLike> {
    if (this.client === null) {
      return Promise.reject(
        new Error(`MCP server ${this.spec.serverLabel} is not connected`),
      );
    }
    return this.client.callTool(
      { name: tool, arguments: args },
      undefined,
      options,
    );
  }

  async close(): Promise<void> {
    await this.client?.close().catch(() => undefined);
    this.releaseSecrets();
  }
}

function filterable(tool: McpCachedTool): FilterableTool {
  return {
    name: tool.tool,
    ...(tool.annotations ? { annotations: tool.annotations } : {}),
  };
}
