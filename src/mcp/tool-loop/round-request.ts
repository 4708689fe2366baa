import type {
  ChatCompletionRequest,
  ChatMessage,
} from '../../protocol/chat-completion.types.js';
import type { ServerToolLookup } from './tool-loop.types.js';

/** What replaces the request's tools and tool_choice in the first model round. */
export type FirstRoundOverride = Pick<
  ChatCompletionRequest,
  'tools' | 'tool_choice'
>;

/** Where the loop stands when it calls the model. */
export interface RoundState {
  messages: ChatMessage[];
  /** True once tool calls ran in this loop (an earlier round, or approved calls). */
  afterCalls: boolean;
  /** True once the loop ran as many server-side calls as it may (max_tool_calls). */
  budgetSpent: boolean;
}

/**
 * The chat request of one model round. A forced tool_choice (`required`, one
 * function, or `firstRound`: a Responses `{type:"mcp"}` choice) holds until
 * tool calls ran; later rounds are `auto`, or the model would call tools
 * forever. Once the budget of server-side calls is spent, the server tools
 * are no longer offered, so the model answers with what it has. Pure.
 */
export function roundRequest(
  request: ChatCompletionRequest,
  state: RoundState,
  options: { firstRound?: FirstRoundOverride; tools: ServerToolLookup },
): ChatCompletionRequest {
  let round: ChatCompletionRequest = { ...request, messages: state.messages };
  const { firstRound } = options;
  if (!state.afterCalls && firstRound !== undefined) {
    round = { ...round, ...firstRound };
  } else if (
    state.afterCalls &&
    (isForced(round['tool_choice']) || isForced(firstRound?.tool_choice))
  ) {
    round = { ...round, tool_choice: 'auto' };
  }
  return state.budgetSpent ? withoutServerTools(round, options.tools) : round;
}

function isForced(choice: unknown): boolean {
  return choice !== undefined && choice !== 'auto' && choice !== 'none';
}

/**
 * The request without the tools the gateway runs. With no tool left, the
 * fields that only make sense with tools go too (backends refuse
 * `parallel_tool_calls` or a `tool_choice` without tools).
 */
function withoutServerTools(
  request: ChatCompletionRequest,
  serverTools: ServerToolLookup,
): ChatCompletionRequest {
  const tools = (request.tools ?? []).filter(
    (tool) => serverTools.find(tool.function.name) === undefined,
  );
  if (tools.length > 0) {
    return { ...request, tools };
  }
  const {
    tools: _tools,
    tool_choice: _choice,
    parallel_tool_calls: _parallel,
    ...rest
  } = request;
  return rest;
}
