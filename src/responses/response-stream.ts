import { map, Observable } from 'rxjs';
import type { GatewayException } from '../common/errors/gateway.exception.js';
import { normalizeError } from '../common/errors/normalize-error.js';
import type { ChatCompletionChunk } from '../protocol/chat-completion.types.js';
import { isAbortError } from '../llm-client/upstream-errors.js';
import type { McpToolListing } from '../mcp/tool-loop/request-toolset.js';
import type { ToolLoopEvent } from '../mcp/tool-loop/tool-loop.types.js';
import type { ResponseEventMachine } from './core/response-event-machine.js';
import type {
  ResponseObject,
  ResponseStreamEvent,
} from '../protocol/responses.types.js';
import { listedTool, mcpCallOutcome } from './mcp-output.mapper.js';

/** How a response is driven. */
export interface ResponseStreamOptions {
  /** Silence after which a `keepalive` event goes out; none when unset (non-streaming). */
  keepaliveIntervalMs?: number;
  /**
   * Called every keepaliveIntervalMs while response.created still waits for
   * the model's first event (a slow start, a queue, retries), so the SSE
   * route can write a comment that keeps proxies and clients from timing
   * out. No event can go out yet: OpenAI's SDKs refuse any event before
   * response.created. Once it was called the client has its 200, so a
   * failure before response.created is reported in-band, as
   * response.created followed by response.failed, not as an HTTP status.
   */
  onWaiting?: () => void;
  /** Servers whose tools the response lists first, as mcp_list_tools items. */
  listings?: readonly McpToolListing[];
  /**
   * Called once when the machine has terminated, before the terminal event
   * goes out (to store the response): a client that continues from
   * `response.completed` at once must find it stored, even in Redis. When
   * it fails, the terminal event is `response.failed` instead.
   */
  onTerminated?: (machine: ResponseEventMachine) => Promise<void> | void;
  /** Told of a failure that became `response.failed` (after response.created), to log it. */
  onFailed?: FailureListener;
}

/** Hears of a failure that a stream reports in-band, e.g. to log it with the request id. */
export type FailureListener = (error: unknown) => void;

/**
 * The content of a plain text chunk of a single model round, handed over as
 * a bare string (textContentShortcut): the most frequent item by far, so it
 * skips the chunk object and the loop event around it.
 */
export type ContentText = string;

/** A plain model stream as tool-loop events: one round, no server tools. */
export function singleRound(
  chunks$: Observable<ChatCompletionChunk>,
): Observable<ToolLoopEvent> {
  return chunks$.pipe(
    map((chunk): ToolLoopEvent => ({ type: 'chunk', round: 1, chunk })),
  );
}

/**
 * Drives the pure event machine from the tool loop (or from one plain model
 * round, see singleRound): mcp_list_tools items first, the model's chunks of
 * every round, an mcp_call item per server-side call, mcp_approval_request
 * items, and the loop's final finish_reason.
 *
 * `response.created` waits for the loop's first event, so a model failure
 * before it surfaces as an Observable error (and so as an HTTP error). After
 * that, every failure becomes `response.failed` and the Observable
 * completes: the stream always ends with exactly one terminal event.
 */
export function responseEvents(
  events$: Observable<ToolLoopEvent>,
  machine: ResponseEventMachine,
  options: ResponseStreamOptions = {},
): Observable<ResponseStreamEvent> {
  return driveMachine(events$, machine, options, false);
}

/**
 * As responseEvents over singleRound(chunks$), for the text lane: the model
 * call's chunks and ContentText feed the machine directly, without a loop
 * event and an operator step per chunk.
 */
export function singleRoundEvents(
  chunks$: Observable<ChatCompletionChunk | ContentText>,
  machine: ResponseEventMachine,
  options: ResponseStreamOptions = {},
): Observable<ResponseStreamEvent> {
  return driveMachine(chunks$, machine, options, true);
}

/** responseEvents; with `plainRound`, the items are one round's chunks, not loop events. */
function driveMachine(
  events$: Observable<ToolLoopEvent | ContentText | ChatCompletionChunk>,
  machine: ResponseEventMachine,
  options: ResponseStreamOptions,
  plainRound: boolean,
): Observable<ResponseStreamEvent> {
  return new Observable<ResponseStreamEvent>((subscriber) => {
    let started = false;
    let round = 1;
    let keepalive: NodeJS.Timeout | undefined;
    let waiting: NodeJS.Timeout | undefined;
    // True once onWaiting was called: the client has its status then.
    let waited = false;
    let lastEmitAt = 0;
    // The clock is read once per batch of events (one upstream read carries
    // hundreds of chunks): a Date.now() per chunk cost 5% of the stream's CPU.
    // The batch's first emission stands for all of it, a few ms at most.
    let stamped = false;
    const unstamp = (): void => {
      stamped = false;
    };

    // One timer per stream, not one per event: when it fires it checks how
    // long the stream has really been silent and re-arms for the remainder.
    const armKeepalive = (interval: number, delayMs: number): void => {
      keepalive = setTimeout(() => {
        keepalive = undefined;
        const silentFor = Date.now() - lastEmitAt;
        if (silentFor >= interval) {
          guarded(() => emit([machine.keepalive()]));
        } else {
          armKeepalive(interval, interval - silentFor);
        }
      }, delayMs);
      keepalive.unref();
    };
    const emit = (events: ResponseStreamEvent[]): void => {
      if (machine.terminated) {
        finishWith(events);
        return;
      }
      for (const event of events) {
        subscriber.next(event);
      }
      if (!stamped) {
        stamped = true;
        lastEmitAt = Date.now();
        queueMicrotask(unstamp);
      }
      const interval = options.keepaliveIntervalMs;
      if (started && keepalive === undefined && interval !== undefined) {
        armKeepalive(interval, interval);
      }
    };
    // The terminal event is always the last one the machine returns.
    const finishWith = (events: ResponseStreamEvent[]): void => {
      clearTimeout(keepalive);
      const terminal = events[events.length - 1];
      for (const event of events.slice(0, -1)) {
        subscriber.next(event);
      }
      // A store that throws, even synchronously, still lets a terminal event
      // out: response.failed, saying the response was not stored.
      void Promise.resolve()
        .then(() => options.onTerminated?.(machine))
        .then(
          () => terminal,
          (error: unknown) => unstoredTerminal(terminal, error, options),
        )
        .then((last) => {
          if (last !== undefined) {
            subscriber.next(last);
          }
          subscriber.complete();
        });
    };
    const startOnce = (): void => {
      if (started) {
        return;
      }
      started = true;
      clearInterval(waiting);
      emit(machine.start());
      for (const listing of options.listings ?? []) {
        emit(
          machine.mcpListTools(
            listing.serverLabel,
            listing.tools.map(listedTool),
            listing.error,
          ),
        );
      }
    };
    const apply = (
      item: ToolLoopEvent | ContentText | ChatCompletionChunk,
    ): ResponseStreamEvent[] => {
      if (typeof item === 'string') {
        return machine.onText(item);
      }
      if (plainRound) {
        return machine.onChunk(item as ChatCompletionChunk);
      }
      const event = item as ToolLoopEvent;
      switch (event.type) {
        case 'chunk': {
          if (event.round <= round) {
            return machine.onChunk(event.chunk);
          }
          round = event.round;
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
    };

    // Before response.created a failure is the request's HTTP error; after
    // it, response.failed. A throw from the machine or from a step here (a
    // bug) ends this response the same way, never the process.
    const failWith = (error: unknown): void => {
      if ((!started && !waited) || isAbortError(error)) {
        subscriber.error(error);
        return;
      }
      try {
        // After an early keepalive the failure still opens with response.created.
        startOnce();
        options.onFailed?.(error);
        emit(machine.fail(failureOf(normalizeError(error))));
      } catch (failure) {
        subscriber.error(failure);
      }
    };
    const guarded = (step: () => void): void => {
      try {
        step();
      } catch (error) {
        failWith(error);
      }
    };
    const onWaiting = options.onWaiting;
    const interval = options.keepaliveIntervalMs;
    if (onWaiting !== undefined && interval !== undefined) {
      waiting = setInterval(() => {
        guarded(onWaiting);
        waited = true;
      }, interval);
      waiting.unref();
    }
    const subscription = events$.subscribe({
      next: (event) =>
        guarded(() => {
          startOnce();
          emit(apply(event));
        }),
      error: failWith,
      complete: () =>
        guarded(() => {
          startOnce();
          emit(machine.finish());
        }),
    });
    return () => {
      clearTimeout(keepalive);
      clearInterval(waiting);
      subscription.unsubscribe();
    };
  });
}

/**
 * The terminal event of a response that onTerminated could not store:
 * `response.failed` with that failure in place of `response.completed` (or
 * `response.incomplete`), same sequence number, output kept. A response
 * that failed anyway keeps its own failure. Tells onFailed, to log it.
 */
function unstoredTerminal(
  terminal: ResponseStreamEvent | undefined,
  error: unknown,
  options: ResponseStreamOptions,
): ResponseStreamEvent | undefined {
  if (terminal === undefined || terminal.type === 'response.failed') {
    return terminal;
  }
  options.onFailed?.(error);
  const response = terminal['response'] as ResponseObject;
  return {
    ...terminal,
    type: 'response.failed',
    response: {
      ...response,
      status: 'failed',
      completed_at: null,
      incomplete_details: null,
      error: failureOf(normalizeError(error)),
    },
  };
}

/**
 * Response.error for a failure mid-stream. The spec's code enum is small:
 * rate limits keep their code, everything else is a server_error whose
 * message says what happened.
 */
export function failureOf(error: GatewayException): {
  code: string;
  message: string;
} {
  const status = error.options.status;
  if (status === 429 || error.options.openAiCode === 'rate_limit_exceeded') {
    return { code: 'rate_limit_exceeded', message: error.message };
  }
  return { code: 'server_error', message: error.message };
}
