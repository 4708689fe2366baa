import { map, Observable } from 'rxjs';
import { type TextDelta, TextRun } from '../llm-client/decoder/stream-items.js';
import type { ChatCompletionChunk } from '../protocol/chat-completion.types.js';
import type { ToolLoopEvent } from '../mcp/tool-loop/tool-loop.types.js';
import type { ResponseEventMachine } from './core/response-event-machine.js';
import type { ResponseStreamEvent } from '../protocol/responses.types.js';
import { mcpCallOutcome } from './mcp-output.mapper.js';
import type { ResponseStreamItem } from './core/text-delta-run.js';
import {
  ResponseStreamDriver,
  type ResponseStreamOptions,
} from './response-stream-driver.js';

export type {
  FailureListener,
  ResponseStreamOptions,
} from './response-stream-driver.js';

/** A plain model stream as tool-loop events: one round, no server tools. */
export function singleRound(
  chunks$: Observable<ChatCompletionChunk>,
): Observable<ToolLoopEvent> {
  return chunks$.pipe(
    map((chunk): ToolLoopEvent => ({ type: 'chunk', round: 1, chunk })),
  );
}

/**
 * A response driven from the tool loop (or from one plain model round, see
 * singleRound): mcp_list_tools items first, the model's chunks of every
 * round, an mcp_call item per server-side call, mcp_approval_request items,
 * and the loop's final finish_reason. It ends with exactly one terminal
 * event, see ResponseStreamDriver.
 */
export function responseEvents(
  events$: Observable<ToolLoopEvent>,
  machine: ResponseEventMachine,
  options: ResponseStreamOptions = {},
): Observable<ResponseStreamEvent> {
  return new Observable<ResponseStreamEvent>((subscriber) => {
    const loop = new LoopEventFeed(machine);
    return new ResponseStreamDriver(subscriber, machine, options).run(
      events$,
      (event) => loop.apply(event),
    );
  });
}

/**
 * As responseEvents over singleRound(items$), for the text lane (textLane):
 * the model call's chunks, TextDeltas and TextRuns feed the machine
 * directly, without a loop event per chunk. A TextRun's deltas come out as
 * TextDeltaRuns (ResponseEventMachine.onTextRun).
 */
export function singleRoundEvents(
  items$: Observable<ChatCompletionChunk | TextDelta | TextRun>,
  machine: ResponseEventMachine,
  options: ResponseStreamOptions = {},
): Observable<ResponseStreamItem> {
  return new Observable<ResponseStreamItem>((subscriber) =>
    new ResponseStreamDriver(subscriber, machine, options).run(
      items$,
      (item) =>
        item instanceof TextRun
          ? machine.onTextRun(item)
          : machine.onChunk(item),
    ),
  );
}

/** Feeds tool-loop events to the machine; a later round's first chunk starts the round. */
class LoopEventFeed {
  private round = 1;

  constructor(private readonly machine: ResponseEventMachine) {}

  apply(event: ToolLoopEvent): ResponseStreamEvent[] {
    const machine = this.machine;
    switch (event.type) {
      case 'chunk': {
        if (event.round <= this.round) {
          return machine.onChunk(event.chunk);
        }
        this.round = event.round;
        return [...machine.newRound(), ...machine.onChunk(event.chunk)];
      }
      case 'tool_call_started':
        return machine.mcpCallStarted(event.call.id, {
          serverLabel: event.call.tool.serverLabel,
          name: event.call.tool.toolName,
          arguments: event.call.arguments,
          ...(event.approvalRequestId === undefined
            ? {}
            : { approvalRequestId: event.approvalRequestId }),
        });
      case 'tool_call_finished':
        return machine.mcpCallFinished(
          event.call.id,
          mcpCallOutcome(event.result),
        );
      case 'approval_requested':
        return machine.mcpApprovalRequest({
          serverLabel: event.call.tool.serverLabel,
          name: event.call.tool.toolName,
          arguments: event.call.arguments,
        });
      case 'finished':
        return machine.finish(event.finishReason);
    }
  }
}
