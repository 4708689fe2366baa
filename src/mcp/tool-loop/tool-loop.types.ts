import type { Observable } from 'rxjs';
import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatFinishReason,
} from '../../protocol/chat-completion.types.js';
import type { McpToolResult } from '../mcp.types.js';

/** One tool the gateway runs itself, under the function name the model sees. */
export interface ServerTool {
  /** The function name offered to the model. */
  exposedName: string;
  /** The server's name in the config file, or a hosted tool's `server_label`. */
  serverLabel: string;
  /** The tool's own name on its server. */
  toolName: string;
  /** A hosted tool whose calls wait for the user's approval. */
  requiresApproval: boolean;
  /** Runs the tool; resolves with an error result on any failure but abort. */
  call(argumentsJson: string, signal: AbortSignal): Promise<McpToolResult>;
}

/** Which function names of one request the gateway runs (client tools never). */
export interface ServerToolLookup {
  find(name: string): ServerTool | undefined;
}

/** A call the model made to a server-side tool. */
export interface ServerToolCall {
  /** The chat tool_call id: the model's, or a generated `call_…`. */
  id: string;
  /** The function name the model called. */
  name: string;
  arguments: string;
  tool: ServerTool;
}

/** A call from an earlier response that waited for approval, now decided. */
export interface ResumedToolCall {
  call: ServerToolCall;
  approvalRequestId: string;
  approved: boolean;
}

/** Why the loop stopped calling the model. */
export type ToolLoopStopReason =
  /** The model answered without server-side tool calls. */
  | 'answer'
  /** The model called client tools; the client runs them. */
  | 'client_tools'
  /** A hosted tool call waits for the user's approval. */
  | 'approval'
  /** MAX_TOOL_CALL_ITERATIONS rounds of tool calls ran. */
  | 'max_iterations';

/**
 * What the loop reports, in order. `chunk` events are the model's chunks
 * with every server-side tool call removed, client tool calls renumbered
 * from 0, and `finish_reason` left out (the `finished` event carries the
 * final one); usage stays on its chunk, once per round.
 */
export type ToolLoopEvent =
  | { type: 'chunk'; round: number; chunk: ChatCompletionChunk }
  | {
      type: 'tool_call_started';
      call: ServerToolCall;
      approvalRequestId?: string;
    }
  | { type: 'tool_call_finished'; call: ServerToolCall; result: McpToolResult }
  | { type: 'approval_requested'; call: ServerToolCall }
  | {
      type: 'finished';
      reason: ToolLoopStopReason;
      /** The finish_reason the client sees: `length` after too many rounds. */
      finishReason: ChatFinishReason;
    };

/** One call of the model; its teardown aborts the upstream request. */
export type CallModel = (
  request: ChatCompletionRequest,
) => Observable<ChatCompletionChunk>;
