import { prefixedToolName } from '../mcp-tool-naming.js';
import type { McpCachedTool } from '../mcp-tool-naming.js';
import type { McpToolResult } from '../mcp.types.js';
import type {
  McpToolListing,
  OfferedTool,
} from '../tool-loop/request-toolset.js';
import {
  HostedMcpServer,
  type HostedMcpServerOptions,
} from './hosted-mcp-server.js';
import type { HostedMcpSpec } from './hosted-mcp-spec.js';

/** Runs one call of a hosted server's tool (McpManagerService's call path). */
export type HostedToolCall = (
  server: HostedMcpServer,
  tool: McpCachedTool,
  call: { exposedName: string; argumentsJson: string; signal: AbortSignal },
) => Promise<McpToolResult>;

/**
 * The hosted `{"type":"mcp"}` servers of one Responses request, connected
 * for it alone. `close()` ends them all, once, whoever asks first: the
 * request's toolset when the turn ends, the request's abort signal, or
 * the gateway's shutdown.
 */
export class HostedMcpSessions {
  private closing: Promise<void> | null = null;
  private readonly closeHooks: (() => void)[] = [];

  private constructor(
    private readonly servers: readonly HostedMcpServer[],
    private readonly call: HostedToolCall,
  ) {}

  /** A request without hosted servers. */
  static none(): HostedMcpSessions {
    return new HostedMcpSessions([], () =>
      Promise.reject(new Error('no hosted MCP server')),
    );
  }

  /**
   * Connects every spec's server at once; closes them when `signal` aborts.
   * @throws the abort reason, once every server that did connect is closed again.
   */
  static async open(
    specs: readonly HostedMcpSpec[],
    options: HostedMcpServerOptions,
    call: HostedToolCall,
  ): Promise<HostedMcpSessions> {
    const settled = await Promise.allSettled(
      specs.map((spec) => HostedMcpServer.connect(spec, options)),
    );
    const servers = settled.flatMap((outcome) =>
      outcome.status === 'fulfilled' ? [outcome.value] : [],
    );
    const sessions = new HostedMcpSessions(servers, call);
    const { signal } = options;
    if (signal?.aborted || servers.length < specs.length) {
      await sessions.close();
      signal?.throwIfAborted();
      const failed = settled.find((outcome) => outcome.status === 'rejected');
      throw failed?.reason;
    }
    if (signal) {
      const onAbort = (): void => void sessions.close();
      signal.addEventListener('abort', onAbort, { once: true });
      sessions.onClose(() => signal.removeEventListener('abort', onAbort));
    }
    return sessions;
  }

  /** One `mcp_list_tools` listing per server, in request order. */
  get listings(): McpToolListing[] {
    return this.servers.map((server) => server.listing);
  }

  /** The tools offered to the model, named `<server_label>__<tool>`. */
  offeredTools(): OfferedTool[] {
    return this.servers.flatMap((server) =>
      server.tools.map((tool) => this.offer(server, tool)),
    );
  }

  /** Runs `hook` once the sessions are closed. */
  onClose(hook: () => void): void {
    if (this.closing) {
      void this.closing.then(hook);
    } else {
      this.closeHooks.push(hook);
    }
  }

  close(): Promise<void> {
    this.closing ??= Promise.all(
      this.servers.map((server) => server.close()),
    ).then(() => {
      for (const hook of this.closeHooks) {
        hook();
      }
    });
    return this.closing;
  }

  private offer(server: HostedMcpServer, tool: McpCachedTool): OfferedTool {
    const exposedName = prefixedToolName(server.spec.serverLabel, tool.tool);
    return {
      exposedName,
      serverLabel: server.spec.serverLabel,
      toolName: tool.tool,
      description: tool.description,
      inputSchema: tool.inputSchema,
      ...(tool.annotations ? { annotations: tool.annotations } : {}),
      requiresApproval: server.requiresApproval(tool),
      call: (argumentsJson, signal) =>
        this.call(server, tool, { exposedName, argumentsJson, signal }),
    };
  }
}
