import type { LoggerService } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  ErrorCode,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { knownSecrets } from '../common/logging/secret-redactor.js';
import {
  attemptsAfterDisconnect,
  reconnectDelayMs,
  type BackoffPolicy,
} from './mcp-backoff.js';
import { mcpErrorResult, toMcpToolResult } from './mcp-result.mapper.js';
import {
  mcpEndpoint,
  scrubEndpoint,
  type McpServerConfig,
} from '../config/mcp-servers/mcp-server-config.js';
import { describeError, isMcpError, isTransportFailure } from './mcp-errors.js';
import { listServerTools } from './mcp-tool-list.js';
import type { McpCachedTool } from './mcp-tool-naming.js';
import { openMcpClient } from './mcp-transport.factory.js';
import type {
  McpCallOptions,
  McpServerStatus,
  McpToolResult,
} from './mcp.types.js';
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
 * One MCP server: its client, its tool cache, and its reconnects. The first
 * connect and every reconnect after a failure run in the background with
 * exponential backoff; meanwhile the server offers no tools.
 */
export class McpConnection {
  private state: State = 'waiting';
  private client: Client | null = null;
  private tools: McpCachedTool[] = [];
  private kind: McpTransportKind;
  private preferSse = false;
  /** Connect attempts that failed, or connections lost before they were stable. */
  private failedAttempts = 0;
  /** performance.now() when the current connection was established. */
  private connectedSince = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private connecting: Promise<void> | null = null;
  private abortConnect: AbortController | null = null;
  private refreshing: Promise<void> | null = null;
  private refreshRequested = false;
  private lastError: string | null = null;
  private lastConnectedAt: Date | null = null;
  private lastRefreshedAt: Date | null = null;
  private lastStderrLine: string | null = null;
  /** Closes of dropped clients still under way; shutdown waits for them. */
  private readonly closing = new Set<Promise<void>>();
  /** The stdio child's pid while connected, else null. */
  pid: number | null = null;

  constructor(
    readonly config: McpServerConfig,
    private readonly options: McpConnectionOptions,
  ) {
    this.kind = config.kind === 'stdio' ? 'stdio' : config.transport;
  }

  get name(): string {
    return this.config.name;
  }

  private get closed(): boolean {
    return this.state === 'closed';
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  /** The cached tools; empty while disconnected. */
  get cachedTools(): readonly McpCachedTool[] {
    return this.connected ? this.tools : [];
  }

  /** Starts the first connect; resolves (never rejects) when it has settled. */
  start(): Promise<void> {
    return this.connect();
  }

  /** Re-reads the tool list; concurrent calls share one run plus one rerun. */
  async refresh(): Promise<void> {
    if (this.state === 'connecting') {
      this.refreshRequested = true;
      return;
    }
    if (this.refreshing) {
      this.refreshRequested = true;
      return this.refreshing;
    }
    this.refreshing = this.refreshLoop().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** Calls one tool; resolves with an error result on any failure but abort. */
  async callTool(
    tool: string,
    args: Record<string, unknown>,
    options: McpCallOptions,
  ): Promise<McpToolResult> {
    const client = this.client;
    if (!client || !this.connected) {
      const reason = this.lastError ? `: ${this.lastError}` : '';
      return mcpErrorResult(
        `MCP server ${this.name} is not connected${reason}`,
        null,
      );
    }
    const timeout = Math.min(
      options.timeoutMs ?? this.options.toolTimeoutMs,
      this.options.toolTimeoutMs,
    );
    try {
      const result = await client.callTool(
        { name: tool, arguments: args },
        undefined,
        { timeout, ...(options.signal ? { signal: options.signal } : {}) },
      );
      return toMcpToolResult(tool, result);
    } catch (error) {
      if (options.signal?.aborted) {
        throw error;
      }
      if (isMcpError(error, ErrorCode.RequestTimeout)) {
        return mcpErrorResult(
          `MCP tool ${tool} on server ${this.name} timed out after ${timeout} ms`,
          error,
        );
      }
      if (isTransportFailure(error)) {
        this.fail(client, error);
      }
      return mcpErrorResult(
        `MCP tool ${tool} on server ${this.name} failed: ${describeError(error)}`,
        error,
      );
    }
  }

  status(): McpServerStatus {
    return {
      name: this.name,
      transport: this.kind,
      connected: this.connected,
      tools: this.cachedTools.map((t) => t.tool),
      lastError: this.lastError,
      lastConnectedAt: this.lastConnectedAt?.toISOString() ?? null,
      lastRefreshedAt: this.lastRefreshedAt?.toISOString() ?? null,
    };
  }

  /** Stops reconnecting and closes the client; a stdio child is gone afterwards. */
  async close(): Promise<void> {
    this.state = 'closed';
    if (this.reconnectTimer) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
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
    if (this.refreshRequested && this.connected) {
      void this.refresh();
    }
  }

  private async connectOnce(): Promise<void> {
    if (this.state === 'closed') {
      return;
    }
    this.state = 'connecting';
    this.lastStderrLine = null;
    this.abortConnect = new AbortController();
    let client: Client | null = null;
    try {
      const opened = await openMcpClient(this.config, {
        newClient: () => this.newClient(),
        preferSse: this.preferSse,
        connectTimeoutMs: this.options.requestTimeoutMs,
        onStderrLine: (line) => this.onStderrLine(line),
        signal: this.abortConnect.signal,
      });
      client = opened.client;
      this.client = client;
      this.kind = opened.kind;
      this.preferSse = opened.kind === 'sse';
      this.pid = opened.pid;
      client.onclose = () =>
        this.fail(opened.client, new Error('connection closed'));
      this.tools = await listServerTools(
        client,
        this.config,
        this.options.requestTimeoutMs,
      );
      if (this.client !== client || this.state !== 'connecting') {
        throw new Error('connection closed during start-up');
      }
      this.state = 'connected';
      // The backoff is only reset once the connection proved stable (see fail).
      this.connectedSince = performance.now();
      this.lastError = null;
      this.lastConnectedAt = this.lastRefreshedAt = new Date();
      this.options.logger.log(
        `MCP server ${this.name} connected over ${this.kind} with ${this.tools.length} tools`,
      );
    } catch (error) {
      if (this.closed) {
        return;
      }
      this.lastError = knownSecrets.redact(
        this.withStderr(scrubEndpoint(describeError(error), this.config)),
      );
      this.dropClient(client);
      const delay = this.scheduleReconnect();
      this.options.logger.warn(
        `MCP server ${this.name} (${mcpEndpoint(this.config)}) could not be reached: ${this.lastError}; reconnecting in ${delay} ms`,
      );
      return;
    } finally {
      this.abortConnect = null;
    }
  }

  private newClient(): Client {
    const client = new Client(this.options.clientInfo, { capabilities: {} });
    client.setNotificationHandler(ToolListChangedNotificationSchema, () =>
      this.refresh(),
    );
    return client;
  }

  private async refreshLoop(): Promise<void> {
    do {
      this.refreshRequested = false;
      const client = this.client;
      if (!client || !this.connected) {
        return;
      }
      try {
        const tools = await listServerTools(
          client,
          this.config,
          this.options.requestTimeoutMs,
        );
        if (this.client === client && this.connected) {
          this.tools = tools;
          this.lastRefreshedAt = new Date();
        }
      } catch (error) {
        if (
          isTransportFailure(error) ||
          isMcpError(error, ErrorCode.RequestTimeout)
        ) {
          this.fail(client, error);
          return;
        }
        this.lastError = knownSecrets.redact(
          `tools/list failed: ${describeError(error)}`,
        );
        this.options.logger.warn(`MCP server ${this.name}: ${this.lastError}`);
      }
    } while (this.refreshRequested);
  }

  /** The client died or failed a request: drop its tools and reconnect later. */
  private fail(client: Client, error: unknown): void {
    if (this.client !== client || this.state === 'closed') {
      return;
    }
    this.lastError = knownSecrets.redact(
      this.withStderr(scrubEndpoint(describeError(error), this.config)),
    );
    this.dropClient(client);
    // During a connect attempt, that attempt fails and schedules the retry.
    if (this.connecting) {
      this.options.logger.warn(
        `MCP server ${this.name} disconnected: ${this.lastError}`,
      );
      return;
    }
    this.failedAttempts = attemptsAfterDisconnect(
      this.failedAttempts,
      performance.now() - this.connectedSince,
      this.options.backoff,
    );
    const delay = this.scheduleReconnect();
    this.options.logger.warn(
      `MCP server ${this.name} disconnected: ${this.lastError}; reconnecting in ${delay} ms`,
    );
  }

  private dropClient(client: Client | null): void {
    if (this.client === client) {
      this.client = null;
      this.tools = [];
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

  /** Schedules the next connect attempt; returns its delay. */
  private scheduleReconnect(): number {
    if (this.reconnectTimer) {
      clearTimeout(this.reconnectTimer);
    }
    const delay = reconnectDelayMs(this.failedAttempts++, this.options.backoff);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, delay);
    this.reconnectTimer.unref();
    return delay;
  }

  private onStderrLine(raw: string): void {
    // Redacted before it is kept or logged: a child may print a secret that
    // a `${VAR}` of its env expanded to.
    const line = knownSecrets.redact(raw);
    this.lastStderrLine = line.slice(0, 500);
    this.options.logger.debug?.(`MCP server ${this.name} stderr: ${line}`);
  }

  private withStderr(message: string): string {
    return this.config.kind === 'stdio' && this.lastStderrLine
      ? `${message} (last stderr line: ${this.lastStderrLine})`
      : message;
  }
}
