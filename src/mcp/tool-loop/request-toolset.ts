import type {
  ChatCompletionRequest,
  ChatFunctionTool,
} from '../../protocol/chat-completion.types.js';
import type { McpCachedTool } from '../mcp-tool-naming.js';
import type { ServerTool, ServerToolLookup } from './tool-loop.types.js';

/** A server-side tool offered to the model, with what the model is told about it. */
export interface OfferedTool extends ServerTool {
  description: string;
  inputSchema: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

/** One server's tools in one request, as an `mcp_list_tools` item shows them. */
export interface McpToolListing {
  serverLabel: string;
  tools: readonly McpCachedTool[];
  /** Why the server could not be listed. */
  error?: string;
}

/** Call options that carry the request's `x-mcp-tools` header. */
export interface McpToolsOption {
  mcpTools?: string;
}

/** Values of the `x-mcp-tools` header that keep the gateway's MCP tools out. */
const OPT_OUT = new Set(['off', 'false', '0', 'none']);

/**
 * Whether a request gets the gateway's MCP tools: not with the header
 * `x-mcp-tools: off`, nor with `tool_choice: "none"` (the model may call no
 * tool, so none are offered).
 */
export function wantsMcpTools(
  header: string | string[] | undefined,
  toolChoice: unknown,
): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  if (value !== undefined && OPT_OUT.has(value.trim().toLowerCase())) {
    return false;
  }
  return toolChoice !== 'none';
}

/** The function names of a chat request's own (client) tools. */
export function clientToolNames(tools: unknown): Set<string> {
  const names = new Set<string>();
  if (!Array.isArray(tools)) {
    return names;
  }
  for (const tool of tools as unknown[]) {
    const name = (tool as { function?: { name?: unknown } } | null)?.function
      ?.name;
    if (typeof name === 'string') {
      names.add(name);
    }
  }
  return names;
}

/**
 * The server-side tools of one request: what is added to the model's
 * tools, how the loop finds the tool behind a called name, and the
 * listings of their servers. `fallback` resolves names not offered as such
 * (e.g. `<server>__<tool>` replayed from history). `close()` ends what the
 * request opened (hosted servers' connections).
 */
export class RequestToolset implements ServerToolLookup {
  private readonly byName: Map<string, OfferedTool>;

  constructor(
    readonly offered: readonly OfferedTool[],
    readonly listings: readonly McpToolListing[],
    private readonly fallback: (name: string) => ServerTool | undefined = () =>
      undefined,
    private readonly onClose: () => Promise<void> = () => Promise.resolve(),
  ) {
    this.byName = new Map(offered.map((tool) => [tool.exposedName, tool]));
  }

  /** Whether the request has anything for the loop to do or show. */
  get active(): boolean {
    return this.offered.length > 0 || this.listings.length > 0;
  }

  find(name: string): ServerTool | undefined {
    return this.byName.get(name) ?? this.fallback(name);
  }

  /** The offered tools of one server, as the model's functions. */
  functionsOf(serverLabel: string): ChatFunctionTool[] {
    return this.offered
      .filter((tool) => tool.serverLabel === serverLabel)
      .map(asFunction);
  }

  /** The request with the offered tools after its own; their input schemas become the parameters. */
  addTo(request: ChatCompletionRequest): ChatCompletionRequest {
    if (this.offered.length === 0) {
      return request;
    }
    return {
      ...request,
      tools: [...(request.tools ?? []), ...this.offered.map(asFunction)],
    };
  }

  close(): Promise<void> {
    return this.onClose();
  }
}

function asFunction(tool: OfferedTool): ChatFunctionTool {
  return {
    type: 'function',
    function: {
      name: tool.exposedName,
      ...(tool.description === '' ? {} : { description: tool.description }),
      parameters: tool.inputSchema,
    },
  };
}
