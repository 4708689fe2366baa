import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { finalize, Observable, tap } from 'rxjs';
import { allowsMcpTool, type CallerOption } from '../../auth/access-policy.js';
import { conversationConfig } from '../../config/conversation.config.js';
import type { ChatCompletionRequest } from '../../protocol/chat-completion.types.js';
import { HostedMcpSessions } from '../hosted/hosted-mcp-sessions.js';
import {
  McpManagerService,
  type McpToolFilter,
} from '../mcp-manager.service.js';
import type { McpToolBinding } from '../mcp.types.js';
import {
  type McpToolListing,
  type OfferedTool,
  RequestToolset,
} from './request-toolset.js';
import type { FirstRoundOverride } from './round-request.js';
import { runToolLoop } from './tool-loop.js';
import type {
  CallModel,
  ResumedToolCall,
  ServerToolCall,
  ToolLoopEvent,
} from './tool-loop.types.js';

/** How one run of the loop goes besides its request (see ToolLoopOptions). */
export interface ToolLoopRunOptions {
  resumed?: readonly ResumedToolCall[];
  /** A response's `max_tool_calls`. */
  maxToolCalls?: number;
  /** The first round's tools and tool_choice (a forced MCP tool). */
  firstRound?: FirstRoundOverride;
  signal?: AbortSignal;
}

/** Which configured servers' tools a request gets. */
export interface ConfiguredToolsOptions extends CallerOption {
  /** False with the `x-mcp-tools: off` opt-out; default true. */
  withConfigured?: boolean;
}

/**
 * Wires the shared tool loop to the gateway: which MCP tools a request gets
 * (the config file's servers through McpManagerService, and a Responses
 * request's hosted `mcp` servers), and the loop run with
 * MAX_TOOL_CALL_ITERATIONS. Both /v1/chat/completions and /v1/responses use it.
 */
@Injectable()
export class ToolLoopService {
  private readonly logger = new Logger(ToolLoopService.name);

  constructor(
    private readonly mcp: McpManagerService,
    @Inject(conversationConfig.KEY)
    private readonly config: ConfigType<typeof conversationConfig>,
  ) {}

  /**
   * Whether toolset() can offer or find a configured server's tool: never
   * without servers, so a request without hosted ones needs no toolset.
   */
  get offersConfiguredTools(): boolean {
    return this.mcp.hasServers;
  }

  /**
   * The server-side tools of a request with these client tools. Client
   * tools win their names; hosted servers' tools (`<server_label>__<tool>`)
   * come next; the configured servers' tools take the names left, unless
   * `withConfigured` is false (the `x-mcp-tools: off` opt-out), and only
   * those the tenant may use: the others are neither offered nor found, so
   * a model that calls one anyway gets no server-side run. Closing the
   * toolset closes the hosted servers.
   */
  toolset(
    clientNames: ReadonlySet<string>,
    hosted: HostedMcpSessions = HostedMcpSessions.none(),
    { withConfigured = true, tenant }: ConfiguredToolsOptions = {},
  ): RequestToolset {
    const hostedTools = hosted
      .offeredTools()
      .filter((tool) => !clientNames.has(tool.exposedName));
    const taken = new Set([
      ...clientNames,
      ...hostedTools.map((tool) => tool.exposedName),
    ]);
    const usable: McpToolFilter = (tool) =>
      allowsMcpTool(tenant, tool.server, tool.tool);
    const bindings = withConfigured
      ? this.mcp.toolsForRequest(usable, taken)
      : [];
    const listings: McpToolListing[] = [
      ...hosted.listings,
      ...listingsOf(bindings),
    ];
    const fallback = (name: string): OfferedTool | undefined => {
      const binding = withConfigured
        ? this.mcp.resolveTool(name, usable, taken)
        : undefined;
      return binding && this.mcp.offeredTool(binding);
    };
    return new RequestToolset(
      [...hostedTools, ...bindings.map((b) => this.mcp.offeredTool(b))],
      listings,
      fallback,
      () => hosted.close(),
    );
  }

  /**
   * As toolset(), after opening the hosted `{"type":"mcp"}` servers of a
   * Responses request's `tools` (McpManagerService.openHosted).
   * @throws GatewayException invalid_request for a URL outside MCP_REMOTE_SERVERS_ALLOWED.
   */
  async toolsetWithHosted(
    clientNames: ReadonlySet<string>,
    tools: unknown,
    options: ConfiguredToolsOptions & { signal?: AbortSignal },
  ): Promise<RequestToolset> {
    const hosted = await this.mcp.openHosted(tools, options.signal);
    return this.toolset(clientNames, hosted, options);
  }

  /**
   * Runs the loop over `request` (its tools already include the toolset's)
   * and closes the toolset when the loop ends, fails or is unsubscribed.
   * `signal` (a client that went away) stops it like an unsubscribe.
   */
  run(
    request: ChatCompletionRequest,
    toolset: RequestToolset,
    callModel: CallModel,
    options: ToolLoopRunOptions = {},
  ): Observable<ToolLoopEvent> {
    let calls = 0;
    const { signal, ...loopOptions } = options;
    const loop$ = runToolLoop(request, {
      ...loopOptions,
      callModel,
      tools: toolset,
      maxIterations: this.config.maxToolCallIterations,
      onIgnored: (ignored) => this.logIgnored(ignored, options.maxToolCalls),
    }).pipe(
      tap((event) => {
        if (event.type === 'tool_call_started') {
          calls += 1;
        } else if (event.type === 'finished') {
          this.logFinish(event, calls);
        }
      }),
      finalize(() => void toolset.close()),
    );
    return signal ? abortable(loop$, signal) : loop$;
  }

  private logIgnored(
    ignored: readonly ServerToolCall[],
    maxToolCalls: number | undefined,
  ): void {
    this.logger.log(
      { ignored: ignored.map((call) => call.name), maxToolCalls },
      'the model called more tools than max_tool_calls allows; the calls beyond it were not run',
    );
  }

  private logFinish(
    event: Extract<ToolLoopEvent, { type: 'finished' }>,
    calls: number,
  ): void {
    if (event.reason === 'max_iterations') {
      this.logger.warn(
        { mcpCalls: calls },
        `the tool loop stopped after ${this.config.maxToolCallIterations} rounds of tool calls (MAX_TOOL_CALL_ITERATIONS); the answer ends with finish_reason length`,
      );
    } else if (calls > 0) {
      this.logger.log(
        { mcpCalls: calls, stop: event.reason },
        'tool loop finished',
      );
    }
  }
}

/** One listing per configured server with tools in this request, in config order. */
function listingsOf(bindings: readonly McpToolBinding[]): McpToolListing[] {
  const byServer = new Map<string, McpToolBinding[]>();
  for (const binding of bindings) {
    byServer.set(binding.server, [
      ...(byServer.get(binding.server) ?? []),
      binding,
    ]);
  }
  return [...byServer].map(([serverLabel, tools]) => ({ serverLabel, tools }));
}

/** Errors with the abort reason, and unsubscribes the source, when `signal` aborts. */
function abortable<T>(
  source$: Observable<T>,
  signal: AbortSignal,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const onAbort = (): void => subscriber.error(signal.reason);
    if (signal.aborted) {
      onAbort();
      return undefined;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    const subscription = source$.subscribe(subscriber);
    return () => {
      signal.removeEventListener('abort', onAbort);
      subscription.unsubscribe();
    };
  });
}
