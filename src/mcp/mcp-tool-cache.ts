import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { McpCachedTool } from './mcp-tool-naming.js';

/** Where a tool cache reads its list from: its server's connection. */
export interface McpToolSource {
  /** The client while the connection is up, else null. */
  liveClient(): Client | null;
  /** A connect is under way: a refresh waits for its end (runRequested). */
  handshaking(): boolean;
  /** Every tool of the server, after its allowedTools/disabledTools. */
  list(client: Client): Promise<McpCachedTool[]>;
  /** tools/list failed on `client`; true when the connection went with it. */
  listFailed(client: Client, error: unknown): boolean;
}

/**
 * One server's tool list and its refreshes. Refreshes asked for while one
 * runs share it plus one rerun, so a burst of tools/list_changed
 * notifications costs two tools/list requests, not one each.
 */
export class McpToolCache {
  private tools: McpCachedTool[] = [];
  private refreshing: Promise<void> | null = null;
  /** A refresh was asked for while one ran, or during the handshake. */
  private requested = false;
  private refreshedAt: Date | null = null;

  constructor(private readonly source: McpToolSource) {}

  get current(): readonly McpCachedTool[] {
    return this.tools;
  }

  get lastRefreshedAt(): Date | null {
    return this.refreshedAt;
  }

  replace(tools: McpCachedTool[]): void {
    this.tools = tools;
    this.refreshedAt = new Date();
  }

  clear(): void {
    this.tools = [];
  }

  /** Runs the refresh asked for during the handshake, if one was. */
  runRequested(): void {
    if (this.requested) {
      void this.refresh();
    }
  }

  /** Re-reads the tool list; concurrent calls share one run plus one rerun. */
  refresh(): Promise<void> {
    if (this.source.handshaking() || this.refreshing) {
      this.requested = true;
      return this.refreshing ?? Promise.resolve();
    }
    this.refreshing = this.refreshLoop().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async refreshLoop(): Promise<void> {
    do {
      this.requested = false;
      const client = this.source.liveClient();
      if (!client) {
        return;
      }
      try {
        const tools = await this.source.list(client);
        if (this.source.liveClient() === client) {
          this.replace(tools);
        }
      } catch (error) {
        if (this.source.listFailed(client, error)) {
          return;
        }
      }
    } while (this.requested);
  }
}
