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
import { callMcpTool, containedToolCall } from './mcp-tool-call.js';
import { exposeMcpTools, splitPrefixedToolName } from './mcp-tool-naming.js';
import type { McpCachedTool } from './mcp-tool-naming.js';
import type { HostedMcpServer } from './hosted/hosted-mcp-server.js';
import { HostedMcpSessions } from './hosted/hosted-mcp-sessions.js';
import { hostedMcpSpecs } from './hosted/hosted-mcp-spec.js';
import type { OfferedTool } from './tool-loop/request-toolset.js';
import type {
  McpCallOptions,
  McpServerStatus,
  McpToolBinding,
  McpToolResult,
} from './mcp.types.js';

/** Bound on the MCP handshake and on one tools/list request. */
const MCP_REQUEST_TIMEOUT_MS = 30_000;
const NO_CLIENT_TOOLS: ReadonlySet<string> = new Set();

/** Which configured servers' tools one request may use (its key's lists). */
export type McpToolFilter = (tool: McpCachedTool) => boolean;

/** The filter of a caller that may use every tool (no key's lists apply). */
export const ANY_MCP_TOOL: McpToolFilter = () => true;

/**
 * Both labels of a hosted server's calls in the tool metrics: its label,
 * URL and tool names are the client's to choose, so they would make the
 * series unbounded. No configured server can be named this.
 */
const HOSTED_METRIC_LABELS = { server: '(hosted)', tool: '(hosted)' };

/**
 * Every MCP server the gateway talks to, and the one path their tool calls
 * take (callMcpTool: failures become results, calls are counted). The
 * config file's servers serve every model: they connect in the background
 * at bootstrap, so a slow server never holds the HTTP listener back; a
 * lifecycle hook refreshes their tool cache every
 * MCP_TOOL_REFRESH_INTERVAL and on tools/list_changed; servers that die
 * are reconnected with backoff. A Responses request's hosted `mcp` servers
 * are opened for that request alone (openHosted). Shutdown closes them all,
 * stdio children included.
 */
@Injectable()
export class McpManagerService
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(McpManagerService.name);
  private readonly connections: McpConnection[];
  private readonly hostedSessions = new Set<HostedMcpSessions>();
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
    await Promise.all([
      ...this.connections.map((c) => c.close()),
      ...[...this.hostedSessions].map((sessions) => sessions.close()),
    ]);
  }

  /** Whether any server is configured: most gateways have none. */
  get hasServers(): boolean {
    return this.connections.length > 0;
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
   * the request's own (client) tools, which always win their names. Only
   * the `usable` ones (the caller's key may use) are named and offered:
   * the filter is required, so no caller forgets the key's lists.
   */
  toolsForRequest(
    usable: McpToolFilter,
    clientToolNames: ReadonlySet<string> = NO_CLIENT_TOOLS,
  ): McpToolBinding[] {
    return exposeMcpTools(
      this.connections.flatMap((c) => c.cachedTools.filter(usable)),
      clientToolNames,
      this.config.mcpToolNamePrefix,
    );
  }

  /**
   * The MCP tool behind `name` in a request with these client tools: an
   * exposed name, or any `<server>__<tool>` of a cached tool. A client
   * tool's name is never an MCP tool, nor is a tool that is not `usable`.
   */
  resolveTool(
    name: string,
    usable: McpToolFilter,
    clientToolNames: ReadonlySet<string> = NO_CLIENT_TOOLS,
  ): McpToolBinding | undefined {
    if (clientToolNames.has(name)) {
      return undefined;
    }
    const bindings = this.toolsForRequest(usable, clientToolNames);
    const exposed = bindings.find((b) => b.exposedName === name);
    if (exposed) {
      return exposed;
    }
    const parts = splitPrefixedToolName(name);
    const cached = this.connections
      .find((c) => c.name === parts?.server)
      ?.cachedTools.find((t) => t.tool === parts?.tool);
    return cached && usable(cached)
      ? { exposedName: name, ...cached }
      : undefined;
  }

  /**
   * Runs one tool of a configured server (see callMcpTool), as bound by
   * toolsForRequest or resolveTool, which applied the caller's filter.
   * Never rejects except when `options.signal` aborts: a tool of no
   * configured server, like any failure, resolves with `isError: true` and
   * a text the model can read.
   */
  async callTool(
    binding: McpToolBinding,
    argumentsJson: string,
    options: McpCallOptions = {},
  ): Promise<McpToolResult> {
    const connection = this.connections.find((c) => c.name === binding.server);
    if (!connection) {
      return mcpErrorResult(`Unknown MCP tool ${binding.exposedName}`, null);
    }
    return callMcpTool(
      {
        caller: connection,
        tool: binding.tool,
        calledAs: binding.exposedName,
        argumentsJson,
        metricLabels: { server: binding.server, tool: binding.tool },
      },
      options,
      this.toolMetrics,
    );
  }

  /** A configured server's tool as the tool loop runs it (through callTool). */
  offeredTool(binding: McpToolBinding): OfferedTool {
    return {
      exposedName: binding.exposedName,
      serverLabel: binding.server,
      toolName: binding.tool,
      description: binding.description,
      inputSchema: binding.inputSchema,
      ...(binding.annotations ? { annotations: binding.annotations } : {}),
      requiresApproval: false,
      call: (args, signal) =>
        containedToolCall(binding.exposedName, signal, () =>
          this.callTool(binding, args, { signal }),
        ),
    };
  }

  /**
   * Opens the hosted `{"type":"mcp"}` servers of a Responses request, all at
   * once, for that request alone. Their calls take callTool's path and are
   * counted under HOSTED_METRIC_LABELS. A URL outside
   * MCP_REMOTE_SERVERS_ALLOWED is a 400 before any connection opens; a
   * server that cannot be reached only lists an error. They close with the
   * request's toolset, when `signal` aborts, or at shutdown.
   * @throws GatewayException invalid_request; the abort reason.
   */
  async openHosted(
    tools: unknown,
    signal?: AbortSignal,
  ): Promise<HostedMcpSessions> {
    const specs = hostedMcpSpecs(tools, this.config.mcpRemoteServersAllowed);
    if (specs.length === 0) {
      return HostedMcpSessions.none();
    }
    const sessions = await HostedMcpSessions.open(
      specs,
      {
        clientInfo: packageInfo,
        requestTimeoutMs: MCP_REQUEST_TIMEOUT_MS,
        toolTimeoutMs: this.config.mcpToolTimeoutMs,
        allowedPrefixes: this.config.mcpRemoteServersAllowed,
        ...(signal === undefined ? {} : { signal }),
      },
      (server, tool, call) => this.callHosted(server, tool, call),
    );
    this.hostedSessions.add(sessions);
    sessions.onClose(() => this.hostedSessions.delete(sessions));
    return sessions;
  }

  /** Every configured server, connected or not, in config order. */
  status(): McpServerStatus[] {
    return this.connections.map((c) => c.status());
  }

  /** The pid of a stdio server's child process while it is connected. */
  childPid(server: string): number | null {
    return this.connections.find((c) => c.name === server)?.pid ?? null;
  }

  private callHosted(
    server: HostedMcpServer,
    tool: McpCachedTool,
    call: { exposedName: string; argumentsJson: string; signal: AbortSignal },
  ): Promise<McpToolResult> {
    return containedToolCall(call.exposedName, call.signal, () =>
      callMcpTool(
        {
          caller: server,
          tool: tool.tool,
          // What an invalid-arguments error of a hosted tool always named.
          calledAs: tool.tool,
          argumentsJson: call.argumentsJson,
          metricLabels: HOSTED_METRIC_LABELS,
        },
        { signal: call.signal },
        this.toolMetrics,
      ),
    );
  }
}
