import type { Observable } from 'rxjs';
import type { ChatCompletionRequest } from '../protocol/chat-completion.types.js';
import { isHostedMcpTool } from '../mcp/hosted/hosted-mcp-spec.js';
import {
  clientToolNames,
  type McpToolListing,
  type RequestToolset,
  wantsMcpTools,
} from '../mcp/tool-loop/request-toolset.js';
import type { FirstRoundOverride } from '../mcp/tool-loop/round-request.js';
import type { ToolLoopService } from '../mcp/tool-loop/tool-loop.service.js';
import type {
  CallModel,
  ResumedToolCall,
  ToolLoopEvent,
} from '../mcp/tool-loop/tool-loop.types.js';
import type {
  CreateResponseRequest,
  ResponseInputItem,
} from '../protocol/responses.types.js';
import type { AgentFormat } from '../config/agent-format-setting.js';
import type { Tenant } from '../config/security/tenant.js';
import { restrictsToolCalls } from './core/allowed-tool-calls.js';
import { approvalDecisions, resumedCalls } from './mcp-approvals.js';
import { listingsToShow } from './mcp-listings.js';
import { mcpToolChoiceRound } from './mcp-tool-choice.js';
import { singleRound } from './response-stream.js';

/** The server-side tools of one Responses turn. */
export interface TurnTools {
  toolset: RequestToolset;
  /** Calls of the previous response that waited for approval, now decided. */
  resumed: ResumedToolCall[];
  /** The servers shown as mcp_list_tools items: those not yet listed in the conversation. */
  listings: readonly McpToolListing[];
  /** The first round of a `tool_choice: {type:"mcp"}`. */
  firstRound?: FirstRoundOverride;
  /** The request's `max_tool_calls`. */
  maxToolCalls?: number;
}

/** What the turn's tools depend on. */
export interface TurnToolsInput {
  request: CreateResponseRequest;
  /** The mapped chat request: its tools are the client's. */
  chat: ChatCompletionRequest;
  inputItems: readonly ResponseInputItem[];
  history: readonly ResponseInputItem[];
  /** The `x-mcp-tools` header. */
  mcpToolsHeader?: string;
  signal?: AbortSignal;
  /** The caller: only the configured tools its key may use are offered. */
  tenant?: Tenant;
}

/**
 * The request without its hosted `mcp` tools, which the gateway runs itself
 * rather than dropping them as tools a chat backend cannot run.
 */
export function withoutHostedMcpTools(
  request: CreateResponseRequest,
): CreateResponseRequest {
  return Array.isArray(request.tools)
    ? { ...request, tools: request.tools.filter((t) => !isHostedMcpTool(t)) }
    : request;
}

/**
 * Validates the approval responses, connects the hosted MCP servers and
 * assembles the turn's tools: hosted ones, then the configured servers'
 * (unless `x-mcp-tools: off`); none at all with `tool_choice: "none"`.
 * @throws GatewayException invalid_request (bad approval, URL not allowed,
 * an MCP tool_choice naming a server or tool the request does not have).
 */
export async function prepareTurnTools(
  loop: ToolLoopService,
  input: TurnToolsInput,
): Promise<TurnTools> {
  const decisions = approvalDecisions(input.inputItems, input.history);
  const noTools = input.request.tool_choice === 'none';
  const toolset = await loop.toolsetWithHosted(
    clientToolNames(input.chat.tools),
    noTools ? [] : input.request.tools,
    {
      withConfigured: wantsMcpTools(
        input.mcpToolsHeader,
        input.request.tool_choice,
      ),
      ...(input.signal === undefined ? {} : { signal: input.signal }),
      ...(input.tenant === undefined ? {} : { tenant: input.tenant }),
    },
  );
  let firstRound: FirstRoundOverride | undefined;
  try {
    firstRound = mcpToolChoiceRound(input.request.tool_choice, toolset);
  } catch (error) {
    void toolset.close();
    throw error;
  }
  const maxToolCalls = input.request.max_tool_calls;
  return {
    toolset,
    resumed: resumedCalls(decisions, toolset),
    listings: listingsToShow(toolset.listings, [
      ...input.history,
      ...input.inputItems,
    ]),
    ...(firstRound === undefined ? {} : { firstRound }),
    ...(typeof maxToolCalls === 'number' ? { maxToolCalls } : {}),
  };
}

/** True when the turn is one model round: no server-side tools, no decided calls. */
function isSingleRound(tools: TurnTools): boolean {
  return !tools.toolset.active && tools.resumed.length === 0;
}

/**
 * True when a streamed turn can take the text lane, its text chunks handed
 * over as bare strings: one model round, and no step after the model that
 * reads or rewrites chunks (allowed_tools enforcement, tagged tool calls).
 */
export function takesTextLane(
  tools: TurnTools,
  format: AgentFormat,
  toolChoice: unknown,
): boolean {
  return (
    isSingleRound(tools) &&
    format.kind !== 'tags' &&
    !restrictsToolCalls(toolChoice)
  );
}

/**
 * The turn as tool-loop events: the loop when there are server-side tools
 * or decided calls, else the model's one round as it is.
 */
export function turnEvents(
  loop: ToolLoopService,
  chat: ChatCompletionRequest,
  tools: TurnTools,
  callModel: CallModel,
  signal?: AbortSignal,
): Observable<ToolLoopEvent> {
  if (isSingleRound(tools)) {
    void tools.toolset.close();
    return singleRound(callModel(chat));
  }
  return loop.run(tools.toolset.addTo(chat), tools.toolset, callModel, {
    resumed: tools.resumed,
    ...(tools.firstRound === undefined ? {} : { firstRound: tools.firstRound }),
    ...(tools.maxToolCalls === undefined
      ? {}
      : { maxToolCalls: tools.maxToolCalls }),
    ...(signal === undefined ? {} : { signal }),
  });
}
