import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { credentialHeaderValues } from '../../common/logging/credential-headers.js';
import { knownSecrets } from '../../common/logging/secret-redactor.js';
import { describeError, isMcpError } from '../mcp-errors.js';
import { mcpErrorResult, toMcpToolResult } from '../mcp-result.mapper.js';
import { listServerTools } from '../mcp-tool-list.js';
import { prefixedToolName } from '../mcp-tool-naming.js';
import type { McpCachedTool } from '../mcp-tool-naming.js';
import { openMcpClient } from '../mcp-transport.factory.js';
import type { McpHttpServerConfig } from '../../config/mcp-servers/mcp-server-config.js';
import type { McpToolResult } from '../mcp.types.js';
import { parseToolArguments } from '../tool-arguments.js';
import type {
  McpToolListing,
  OfferedTool,
} from '../tool-loop/request-toolset.js';
import {
  isToolAllowed,
  needsApproval,
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
 * `close()` ends. A server that cannot be reached or listed is not an error
 * of the request: it offers no tools and its listing carries the error.
 * Until `close()`, the request's tokens for it (`authorization`, credential
 * headers) are secrets the logs, errors and listings are redacted of.
 */
export class HostedMcpServer {
  private constructor(
    readonly spec: HostedMcpSpec,
    private readonly client: Client | null,
    private readonly tools: readonly McpCachedTool[],
    private readonly options: HostedMcpServerOptions,
    private readonly releaseSecrets: () => void,
    private readonly error?: string,
  ) {}

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
    let client: Client | null = null;
    try {
      const opened = await openMcpClient(config, {
        newClient: () => new Client(options.clientInfo, { capabilities: {} }),
        preferSse: false,
        connectTimeoutMs: options.requestTimeoutMs,
        onStderrLine: () => undefined,
        signal: options.signal ?? new AbortController().signal,
        fetch: allowlistedFetch(options.allowedPrefixes),
      });
      client = opened.client;
      const tools = await listServerTools(
        client,
        config,
        options.requestTimeoutMs,
      );
      return new HostedMcpServer(
        spec,
        client,
        tools.filter((tool) =>
          isToolAllowed(spec, {
            name: tool.tool,
            ...(tool.annotations ? { annotations: tool.annotations } : {}),
          }),
        ),
        options,
        releaseSecrets,
      );
    } catch (error) {
      await client?.close().catch(() => undefined);
      if (options.signal?.aborted) {
        releaseSecrets();
        options.signal.throwIfAborted();
      }
      return new HostedMcpServer(
        spec,
        null,
        [],
        options,
        releaseSecrets,
        knownSecrets.redact(
          `Could not list the tools of MCP server '${spec.serverLabel}': ${describeError(error)}`,
        ),
      );
    }
  }

  /** What the `mcp_list_tools` item shows. */
  get listing(): McpToolListing {
    return {
      serverLabel: this.spec.serverLabel,
      tools: this.tools,
      ...(this.error === undefined ? {} : { error: this.error }),
    };
  }

  /** The tools offered to the model, named `<server_label>__<tool>`. */
  offeredTools(): OfferedTool[] {
    return this.tools.map((tool) => ({
      exposedName: prefixedToolName(this.spec.serverLabel, tool.tool),
      serverLabel: this.spec.serverLabel,
      toolName: tool.tool,
      description: tool.description,
      inputSchema: tool.inputSchema,
      ...(tool.annotations ? { annotations: tool.annotations } : {}),
      requiresApproval: needsApproval(this.spec.requireApproval, {
        name: tool.tool,
        ...(tool.annotations ? { annotations: tool.annotations } : {}),
      }),
      call: (args, signal) => this.call(tool.tool, args, signal),
    }));
  }

  async close(): Promise<void> {
    await this.client?.close().catch(() => undefined);
    this.releaseSecrets();
  }

  private async call(
    tool: string,
    argumentsJson: string,
    signal: AbortSignal,
  ): Promise<McpToolResult> {
    const args = parseToolArguments(argumentsJson);
    if (typeof args === 'string') {
      return mcpErrorResult(
        `Invalid arguments for MCP tool ${tool}: ${args}`,
        null,
      );
    }
    if (this.client === null) {
      return mcpErrorResult(
        `MCP server ${this.spec.serverLabel} is not connected`,
        null,
      );
    }
    const timeout = this.options.toolTimeoutMs;
    try {
      const result = await this.client.callTool(
        { name: tool, arguments: args },
        undefined,
        { timeout, signal },
      );
      return toMcpToolResult(tool, result);
    } catch (error) {
      if (signal.aborted) {
        throw error;
      }
      const what = `MCP tool ${tool} on server ${this.spec.serverLabel}`;
      return mcpErrorResult(
        isMcpError(error, ErrorCode.RequestTimeout)
          ? `${what} timed out after ${timeout} ms`
          : `${what} failed: ${describeError(error)}`,
        error,
      );
    }
  }
}
