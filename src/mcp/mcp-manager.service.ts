import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { conversationConfig } from '../config/conversation.config.js';
import { packageInfo } from '../common/package-info.js';
import { McpToolMetrics } from './mcp-tool-metrics.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { DEFAULT_RECONNECT_BACKOFF } from './mcp-backoff.js';
import { McpConnection } from './mcp-connection.js';
import { mcpErrorResult } from './mcp-result.mapper.js';
import { parseToolArguments } from './tool-arguments.js';
import { exposeMcpTools, splitPrefixedToolName } from './mcp-tool-naming.js';
import type {
  McpCallOptions,
  McpServerStatus,
  McpToolBinding,
  McpToolResult,
} from './mcp.types.js';

/** Bound on the MCP handshake and on one tools/list request. */
const MCP_REQUEST_TIMEOUT_MS = 30_000;
const NO_CLIENT_TOOLS: ReadonlySet<string> = new Set();

/**
 * The MCP servers of the config file and their tools, for every model behind
 * the gateway. Connections start in the background at bootstrap, so a slow
 * server never holds the HTTP listener back; a lifecycle hook refreshes the
 * tool cache every MCP_TOOL_REFRESH_INTERVAL and on tools/list_changed.
 * Servers that die are reconnected with backoff; shutdown closes them all,
 * stdio children included.
 */
@Injectable()
export class McpManagerService
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(McpManagerService.name);
  private readonly connections: McpConnection[];
  private refreshTimer: NodeJS.Timeout | null = null;
  private initialConnects: Promise<void> | null = null;
  private readonly toolMetrics: McpToolMetrics;

  constructor(
    @Inject(conversationConfig.KEY)
    private readonly config: ConfigType<typeof conversationConfig>,
    @Optional() @Inject(MetricsService) metrics?: MetricsService,
  ) {
    this.toolMetrics = metrics
      ? new McpToolMetrics(metrics.registry)
      : McpToolMetrics.detached();
    metrics?.availability.watchMcpServers(() => this.status());
    this.connections = config.mcpServers.map(
      (server) =>
        new McpConnection(server, {
          toolTimeoutMs: server.toolTimeoutMs ?? config.mcpToolTimeoutMs,
          requestTimeoutMs: MCP_REQUEST_TIMEOUT_MS,
          backoff: DEFAULT_RECONNECT_BACKOFF,
          logger: this.logger,
          clientInfo: packageInfo,
        }),
    );
  }

  /** Starts every connection and the refresh timer; the listener does not wait. */
  onApplicationBootstrap(): void {
    if (this.initialConnects) {
      return;
    }
    this.initialConnects = Promise.all(
      this.connections.map((c) => c.start()),
    ).then(() => undefined);
    if (this.connections.length > 0) {
      this.refreshTimer = setInterval(
        () => void this.refreshAll(),
        this.config.mcpToolRefreshIntervalMs,
      );
      this.refreshTimer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.refreshTimer) {
      clearInterval(this.refreshTimer);
      this.refreshTimer = null;
    }
    await Promise.all(this.connections.map((c) => c.close()));
  }

  /** Resolves once every server's first connect attempt succeeded or failed. */
  whenInitialConnectsSettled(): Promise<void> {
    return this.initialConnects ?? Promise.resolve();
  }

  /** Re-reads the tool list of every connected server. */
  async refreshAll(): Promise<void> {
    await Promise.all(this.connections.map((c) => c.refresh()));
  }

  /**
   * The MCP tools to offer in one request, named so they never clash with
   * the request's own (client) tools, which always win their names.
   */
  toolsForRequest(
    clientToolNames: ReadonlySet<string> = NO_CLIENT_TOOLS,
  ): McpToolBinding[] {
    return exposeMcpTools(
      this.connections.flatMap((c) => c.cachedTools),
      clientToolNames,
      this.config.mcpToolNamePrefix,
    );
  }

  /**
   * The MCP tool behind `name` in a request with these client tools: an
   * exposed name, or any `<server>__<tool>` of a cached tool. A client
   * tool's name is never an MCP tool.
   */
  resolveTool(
    name: string,
    clientToolNames: ReadonlySet<string> = NO_CLIENT_TOOLS,
  ): McpToolBinding | undefined {
    if (clientToolNames.has(name)) {
      return undefined;
    }
    const bindings = this.toolsForRequest(clientToolNames);
    const exposed = bindings.find((b) => b.exposedName === name);
    if (exposed) {
      return exposed;
    }
    const parts = splitPrefixedToolName(name);
    const cached = this.connections
      .find((c) => c.name === parts?.server)
      ?.cachedTools.find((t) => t.tool === parts?.tool);
    return cached ? { exposedName: name, ...cached } : undefined;
  }

  isMcpTool(
    name: string,
    clientToolNames: ReadonlySet<string> = NO_CLIENT_TOOLS,
  ): boolean {
    return this.resolveTool(name, clientToolNames) !== undefined;
  }

  /**
   * Runs one MCP tool. Never rejects except when `options.signal` aborts:
   * invalid JSON arguments, an unknown tool, a disconnected server, a tool
   * that throws, times out or reports isError all resolve with
   * `isError: true` and a text the model can read.
   */
  async callTool(
    target: McpToolBinding | string,
    argumentsJson: string,
    options: McpCallOptions = {},
  ): Promise<McpToolResult> {
    const binding =
      typeof target === 'string' ? this.resolveTool(target) : target;
    const connection = this.connections.find((c) => c.name === binding?.server);
    if (!binding || !connection) {
      const name = typeof target === 'string' ? target : target.exposedName;
      return mcpErrorResult(`Unknown MCP tool ${name}`, null);
    }
    const args = parseToolArguments(argumentsJson);
    if (typeof args === 'string') {
      return mcpErrorResult(
        `Invalid arguments for MCP tool ${binding.exposedName}: ${args}`,
        null,
      );
    }
    options.signal?.throwIfAborted();
    const timer = this.toolMetrics.start(binding.server, binding.tool);
    try {
      return timer.end(await connection.callTool(binding.tool, args, options));
    } catch (error) {
      if (options.signal?.aborted) {
        timer.aborted();
        throw error;
      }
      return timer.end(
        mcpErrorResult(
          `MCP tool ${binding.exposedName} failed: ${error instanceof Error ? error.message : String(error)}`,
          error,
        ),
      );
    }
  }

  /** Every configured server, connected or not, in config order. */
  status(): McpServerStatus[] {
    return this.connections.map((c) => c.status());
  }

  /** The pid of a stdio server's child process while it is connected. */
  childPid(server: string): number | null {
    return this.connections.find((c) => c.name === server)?.pid ?? null;
  }
}
