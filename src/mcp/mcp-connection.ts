import type { LoggerService } from '@nestjs/common';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { knownSecrets } from '../common/logging/secret-redactor.js';
import type { BackoffPolicy } from './mcp-backoff.js';
import { ReconnectSchedule } from './mcp-reconnect-schedule.js';
import type { CallToolResultLike } from './mcp-result.mapper.js';
import {
  mcpEndpoint,
  scrubEndpoint,
  type McpServerConfig,
} from '../config/mcp-servers/mcp-server-config.js';
import {
  describeError,
  isMcpError,
  isTransportFailure,
  MCP_ERROR_CODE,
} from './mcp-errors.js';
import type { McpSdk } from './mcp-sdk.js';
import { StderrTail } from './mcp-stderr-tail.js';
import { McpToolCache } from './mcp-tool-cache.js';
import type { McpToolCaller, McpSendOptions } from './mcp-tool-call.js';
import { listServerTools } from './mcp-tool-list.js';
import type { McpCachedTool } from './mcp-tool-naming.js';
import { openMcpClient } from './mcp-transport.factory.js';
import type { McpServerStatus } from './mcp.types.js';
import type { McpTransportKind } from '../config/mcp-servers/mcp-names.js';

/** Settings one connection needs besides its server's config. */
export interface McpConnectionOptions {
  /** The server's tool-call timeout: its own setting or the global default. */
  toolTimeoutMs: number;
  /** Bound on the handshake and on one tools/list. */
  requestTimeoutMs: number;
  backoff: BackoffPolicy;
  logger: LoggerService;
  clientInfo: { name: string; version: string };
}

type State = 'connecting' | 'connected' | 'waiting' | 'closed';

/**
 * One configured MCP server: its client, its connects and reconnects, and
 * its tool cache (McpToolCache). The first connect and every reconnect after
 * a failure run in the background with exponential backoff
 * (ReconnectSchedule); meanwhile the server offers no tools. Tool calls go
 * through callMcpTool, which turns their failures into results.
 */
export class McpConnection implements McpToolCaller {
  private state: State = 'waiting';
  private client: Client | null = null;
  private kind: McpTransportKind;
  private preferSse = false;
  private connecting: Promise<void> | null = null;
  private abortConnect: AbortController | null = null;
  private error: string | null = null;
  private lastConnectedAt: Date | null = null;
  private readonly reconnects: ReconnectSchedule;
  private readonly stderr: StderrTail;
  private readonly toolCache: McpToolCache;
  /** Closes of dropped clients still under way; shutdown waits for them. */
  private readonly closing = new Set<Promise<void>>();
  /** The stdio child's pid while connected, else null. */
  pid: number | null = null;
  readonly toolTimeoutMs: number;

  constructor(
    readonly config: McpServerConfig,
    private readonly options: McpConnectionOptions,
  ) {
    this.kind = config.kind === 'stdio' ? 'stdio' : config.transport;
    this.toolTimeoutMs = options.toolTimeoutMs;
    this.stderr = new StderrTail(config.name, options.logger);
    this.reconnects = new ReconnectSchedule(
      options.backoff,
      () => void this.connect(),
    );
    this.toolCache = new McpToolCache({
      liveClient: () => (this.connected ? this.client : null),
      handshaking: () => this.state === 'connecting',
      list: (client) => this.listTools(client),
      listFailed: (client, error) => this.onListFailed(client, error),
    });
  }

  get name(): string {
    return this.config.name;
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  // A getter, so a check after an await is not narrowed away.
  private get closed(): boolean {
    return this.state === 'closed';
  }

  get lastError(): string | null {
    return this.error;
  }

  /** The cached tools; empty while disconnected. */
  get cachedTools(): readonly McpCachedTool[] {
    return this.connected ? this.toolCache.current : [];
  }

  /** Starts the first connect; resolves (never rejects) when it has settled. */
  start(): Promise<void> {
    return this.connect();
  }

  /** Re-reads the tool list; one asked for during the handshake runs after it. */
  refresh(): Promise<void> {
    return this.toolCache.refresh();
  }

  /**
   * Sends tools/call; a lost connection also starts a reconnect.
   * @throws the SDK's error (see McpToolCaller).
   */
  async send(
    tool: string,
    args: Record<string, unknown>,
    options: McpSendOptions,
  ): Promise<CallToolResultLike> {
    const client = this.client;
    if (!client || !this.connected) {
      throw new Error(`MCP server ${this.name} is not connected`);
    }
    try {
      return await client.callTool(
        { name: tool, arguments: args },
        undefined,
        options,
      );
    } catch (error) {
      if (!options.signal?.aborted && isTransportFailure(error)) {
        this.fail(client, error);
      }
      throw error;
    }
  }

  status(): McpServerStatus {
    return {
      name: this.name,
      transport: this.kind,
      connected: this.connected,
      tools: this.cachedTools.map((t) => t.tool),
      lastError: this.error,
      lastConnectedAt: this.lastConnectedAt?.toISOString() ?? null,
      lastRefreshedAt: this.toolCache.lastRefreshedAt?.toISOString() ?? null,
    };
  }

  /** Stops reconnecting and closes the client; a stdio child is gone afterwards. */
  async close(): Promise<void> {
    this.state = 'closed';
    this.reconnects.cancel();
    this.abortConnect?.abort();
    await this.connecting;
    this.dropClient(this.client);
    this.state = 'closed';
    await Promise.all(this.closing);
  }

  private async connect(): Promise<void> {
    this.connecting = this.connectOnce().finally(() => {
      this.connecting = null;
    });
    await this.connecting;
    // A tools/list_changed that arrived during the handshake.
    if (this.connected) {
      this.toolCache.runRequested();
    }
  }

  private async connectOnce(): Promise<void> {
    if (this.state === 'closed') {
      return;
    }
    this.state = 'connecting';
    this.stderr.reset();
    this.abortConnect = new AbortController();
    let client: Client | null = null;
    try {
      client = await this.openClient(this.abortConnect.signal);
      const tools = await this.listTools(client);
      if (this.client !== client || this.state !== 'connecting') {
        throw new Error('connection closed during start-up');
      }
      this.state = 'connected';
      this.toolCache.replace(tools);
      this.reconnects.connected();
      this.error = null;
      this.lastConnectedAt = new Date();
      this.options.logger.log(
        `MCP server ${this.name} connected over ${this.kind} with ${tools.length} tools`,
      );
    } catch (error) {
      if (this.closed) {
        return;
      }
      this.error = this.describeFailure(error);
      this.dropClient(client);
      const delay = this.reconnects.afterFailedAttempt();
      this.options.logger.warn(
        `MCP server ${this.name} (${mcpEndpoint(this.config)}) could not be reached: ${this.error}; reconnecting in ${delay} ms`,
      );
    } finally {
      this.abortConnect = null;
    }
  }

  /** Opens the transport and completes the handshake; the client becomes this.client. */
  private async openClient(signal: AbortSignal): Promise<Client> {
    const opened = await openMcpClient(this.config, {
      newClient: (sdk) => this.newClient(sdk),
      preferSse: this.preferSse,
      connectTimeoutMs: this.options.requestTimeoutMs,
      onStderrLine: (line) => this.stderr.push(line),
      signal,
    });
    this.client = opened.client;
    this.kind = opened.kind;
    this.preferSse = opened.kind === 'sse';
    this.pid = opened.pid;
    opened.client.onclose = () =>
      this.fail(opened.client, new Error('connection closed'));
    return opened.client;
  }

  private newClient(sdk: McpSdk): Client {
    const client = new sdk.Client(this.options.clientInfo, {
      capabilities: {},
    });
    client.setNotificationHandler(sdk.ToolListChangedNotificationSchema, () =>
      this.refresh(),
    );
    return client;
  }

  private listTools(client: Client): Promise<McpCachedTool[]> {
    return listServerTools(client, this.config, this.options.requestTimeoutMs);
  }

  /** A lost connection or a timeout drops the client; another failure is only reported. */
  private onListFailed(client: Client, error: unknown): boolean {
    if (
      isTransportFailure(error) ||
      isMcpError(error, MCP_ERROR_CODE.RequestTimeout)
    ) {
      this.fail(client, error);
      return true;
    }
    this.error = knownSecrets.redact(
      `tools/list failed: ${describeError(error)}`,
    );
    this.options.logger.warn(`MCP server ${this.name}: ${this.error}`);
    return false;
  }

  /** The client died or failed a request: drop its tools and reconnect later. */
  private fail(client: Client, error: unknown): void {
    if (this.client !== client || this.state === 'closed') {
      return;
    }
    this.error = this.describeFailure(error);
    this.dropClient(client);
    // During a connect attempt, that attempt fails and schedules the retry.
    if (this.connecting) {
      this.options.logger.warn(
        `MCP server ${this.name} disconnected: ${this.error}`,
      );
      return;
    }
    const delay = this.reconnects.afterDisconnect();
    this.options.logger.warn(
      `MCP server ${this.name} disconnected: ${this.error}; reconnecting in ${delay} ms`,
    );
  }

  private dropClient(client: Client | null): void {
    if (this.client === client) {
      this.client = null;
      this.toolCache.clear();
      this.pid = null;
    }
    this.state = 'waiting';
    if (client) {
      // Closing kills what is left of a stdio child; its onclose is ignored now.
      const closing = client.close().catch(() => undefined);
      this.closing.add(closing);
      void closing.finally(() => this.closing.delete(closing));
    }
  }

  /** An error as lastError: no endpoint credentials, no secrets, the child's last words. */
  private describeFailure(error: unknown): string {
    return knownSecrets.redact(
      this.stderr.appendTo(scrubEndpoint(describeError(error), this.config)),
    );
  }
}
