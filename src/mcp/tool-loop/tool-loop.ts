import {
  concat,
  defer,
  EMPTY,
  from,
  map,
  mergeMap,
  Observable,
  of,
} from 'rxjs';
import type {
  ChatCompletionRequest,
  ChatFinishReason,
  ChatMessage,
} from '../../protocol/chat-completion.types.js';
import { mcpErrorResult } from '../mcp-result.mapper.js';
import type { McpToolResult } from '../mcp.types.js';
import { ToolCallBudget } from './tool-call-budget.js';
import { roundRequest, type FirstRoundOverride } from './round-request.js';
import { ToolCallWithholder, type ModelTurn } from './tool-call-withholder.js';
import type {
  CallModel,
  ResumedToolCall,
  ServerToolCall,
  ServerToolLookup,
  ToolLoopEvent,
  ToolLoopStopReason,
} from './tool-loop.types.js';
import {
  DENIED_BY_USER,
  toolResultMessages,
  type ToolCallOutcome,
} from './tool-result-messages.js';

/** What the loop needs besides the request. */
export interface ToolLoopOptions {
  callModel: CallModel;
  tools: ServerToolLookup;
  /** Rounds of tool calls the loop runs before it gives up (MAX_TOOL_CALL_ITERATIONS). */
  maxIterations: number;
  /** Calls of an earlier response that waited for approval, now decided. */
  resumed?: readonly ResumedToolCall[];
  /**
   * The most server-side calls the loop runs or asks approval for (a
   * response's `max_tool_calls`); no cap when unset.
   */
  maxToolCalls?: number;
  /** The first model round's tools and tool_choice (a forced MCP tool). */
  firstRound?: FirstRoundOverride;
  /** Told of the calls ignored because `maxToolCalls` was reached. */
  onIgnored?: (calls: readonly ServerToolCall[]) => void;
}

interface PlannedCall {
  call: ServerToolCall;
  approvalRequestId?: string;
}

/**
 * The server-side tool loop shared by /v1/chat/completions and
 * /v1/responses. It calls the model and streams its chunks on (server tool
 * calls withheld, see ToolCallWithholder). When the model called server
 * tools, it runs them, all at once, then appends the assistant message and
 * the results and calls the model again. It stops when the model answers
 * without server tool calls, calls a client tool (after running the server
 * calls of the same turn), calls a tool that waits for approval, or asks for
 * tools again after `maxIterations` rounds (ending with finish_reason
 * `length`). A failing tool never fails the loop: its error goes to the
 * model. Unsubscribing aborts the model call and the running tools.
 *
 * With `maxToolCalls`, calls beyond the cap are ignored, as OpenAI documents
 * for `max_tool_calls`: never run nor shown; the model hears they did not
 * run, and its next round is offered no server tool, so it answers.
 */
export function runToolLoop(
  request: ChatCompletionRequest,
  options: ToolLoopOptions,
): Observable<ToolLoopEvent> {
  return new Observable<ToolLoopEvent>((subscriber) => {
    const abort = new AbortController();
    const subscription = new ToolLoop(request, options, abort.signal)
      .start()
      .subscribe(subscriber);
    return () => {
      abort.abort();
      subscription.unsubscribe();
    };
  });
}

class ToolLoop {
  private readonly budget: ToolCallBudget;

  constructor(
    private readonly request: ChatCompletionRequest,
    private readonly options: ToolLoopOptions,
    private readonly signal: AbortSignal,
  ) {
    this.budget = new ToolCallBudget(options.maxToolCalls);
  }

  start(): Observable<ToolLoopEvent> {
    const resumed = this.options.resumed ?? [];
    if (resumed.length === 0) {
      return this.round(this.request.messages, 1);
    }
    const { taken, ignored } = this.budget.take(
      resumed.filter((entry) => entry.approved),
    );
    const outcomes = this.notRun(ignored.map(({ call }) => call));
    const approved = taken.map(({ call, approvalRequestId }) => ({
      call,
      approvalRequestId,
    }));
    return concat(
      this.runCalls(approved, outcomes),
      defer(() => {
        const assistant: ChatMessage = {
          role: 'assistant',
          content: null,
          tool_calls: resumed.map(({ call }) => ({
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: call.arguments || '{}' },
          })),
        };
        const results = resumed.map(({ call }) => ({
          callId: call.id,
          result: outcomes.get(call.id) ?? mcpErrorResult(DENIED_BY_USER, null),
        }));
        return this.round(
          [...this.request.messages, assistant, ...toolResultMessages(results)],
          1,
        );
      }),
    );
  }

  private round(
    messages: ChatMessage[],
    round: number,
  ): Observable<ToolLoopEvent> {
    return defer(() => {
      const withholder = new ToolCallWithholder(this.options.tools);
      const chunks$ = this.options
        .callModel(this.requestFor(messages, round))
        .pipe(
          mergeMap((chunk) => {
            const shown = withholder.push(chunk);
            return shown === null
              ? EMPTY
              : of<ToolLoopEvent>({ type: 'chunk', round, chunk: shown });
          }),
        );
      return concat(
        chunks$,
        defer(() => this.afterRound(withholder.end(), messages, round)),
      );
    });
  }

  private requestFor(
    messages: ChatMessage[],
    round: number,
  ): ChatCompletionRequest {
    const resumed = this.options.resumed ?? [];
    return roundRequest(
      this.request,
      {
        messages,
        afterCalls: round > 1 || resumed.length > 0,
        budgetSpent: this.budget.spent,
      },
      this.options,
    );
  }

  /** The outcomes of calls ignored for maxToolCalls, as the model hears of them. */
  private notRun(calls: readonly ServerToolCall[]): Map<string, McpToolResult> {
    if (calls.length > 0) {
      this.options.onIgnored?.(calls);
    }
    const result = this.budget.ignoredResult();
    return new Map(calls.map((call) => [call.id, result]));
  }

  private afterRound(
    turn: ModelTurn,
    messages: ChatMessage[],
    round: number,
  ): Observable<ToolLoopEvent> {
    const clientTools = turn.clientCallCount > 0;
    if (turn.serverCalls.length === 0) {
      return clientTools
        ? of(finished('client_tools', turn.finishReason ?? 'tool_calls'))
        : of(finished('answer', answerReason(turn.finishReason)));
    }
    const { taken, ignored } = this.budget.take(turn.serverCalls);
    const outcomes = this.notRun(ignored);
    if (taken.length === 0) {
      // The cap was reached in an earlier round: the calls are ignored.
      return clientTools
        ? of(finished('client_tools', 'tool_calls'))
        : of(finished('answer', answerReason(turn.finishReason)));
    }
    if (round > this.options.maxIterations) {
      return of(finished('max_iterations', 'length'));
    }
    const waiting = taken.filter((c) => c.tool.requiresApproval);
    const runnable = taken
      .filter((c) => !c.tool.requiresApproval)
      .map((call) => ({ call }));
    return concat(
      this.runCalls(runnable, outcomes),
      defer(() => {
        if (waiting.length > 0) {
          return concat(
            from(
              waiting.map((call): ToolLoopEvent => ({
                type: 'approval_requested',
                call,
              })),
            ),
            of(finished('approval', 'stop')),
          );
        }
        if (clientTools) {
          return of(finished('client_tools', 'tool_calls'));
        }
        // Every call of the assistant message gets its result, in its order.
        const results: ToolCallOutcome[] = turn.serverCalls.map((call) => ({
          callId: call.id,
          result: outcomes.get(call.id) ?? mcpErrorResult('No result', null),
        }));
        return this.round(
          [...messages, turn.assistantMessage, ...toolResultMessages(results)],
          round + 1,
        );
      }),
    );
  }

  /**
   * Starts every call at once; reports them one after the other, in call
   * order, each as started then finished, so their items never interleave.
   */
  private runCalls(
    calls: readonly PlannedCall[],
    outcomes: Map<string, McpToolResult>,
  ): Observable<ToolLoopEvent> {
    return defer(() => {
      const running = calls.map(({ call }) => this.execute(call));
      // Reported through `from()` below; this only keeps an abort that no
      // one waits for any more from becoming an unhandled rejection.
      for (const promise of running) {
        void promise.catch(() => undefined);
      }
      return concat(
        ...calls.map(({ call, approvalRequestId }, index) =>
          concat(
            of<ToolLoopEvent>({
              type: 'tool_call_started',
              call,
              ...(approvalRequestId === undefined ? {} : { approvalRequestId }),
            }),
            from(running[index] ?? this.execute(call)).pipe(
              map((result): ToolLoopEvent => {
                outcomes.set(call.id, result);
                return { type: 'tool_call_finished', call, result };
              }),
            ),
          ),
        ),
      );
    });
  }

  // A tool resolves every failure as a result (ServerTool.call); only an
  // abort rejects, and the loop is torn down with it.
  private execute(call: ServerToolCall): Promise<McpToolResult> {
    return call.tool.call(call.arguments, this.signal);
  }
}

function finished(
  reason: ToolLoopStopReason,
  finishReason: ChatFinishReason,
): ToolLoopEvent {
  return { type: 'finished', reason, finishReason };
}

// Calls without a name were dropped, so `tool_calls` alone is no longer true.
function answerReason(reason: ChatFinishReason | null): ChatFinishReason {
  return reason === null || reason === 'tool_calls' ? 'stop' : reason;
}
