import type { Observable, Subscriber, TeardownLogic } from 'rxjs';
import type { GatewayException } from '../common/errors/gateway.exception.js';
import { normalizeError } from '../common/errors/normalize-error.js';
import { isAbortError } from '../llm-client/upstream-errors.js';
import type { ResponseEventMachine } from './core/response-event-machine.js';
import type {
  ResponseObject,
  ResponseStreamEvent,
} from '../protocol/responses.types.js';
import type { McpToolListing } from '../mcp/tool-loop/request-toolset.js';
import { listedTool } from './mcp-output.mapper.js';
import { RunCancelled } from './background/run-cancelled.js';
import type { ResponseStreamItem } from './core/text-delta-run.js';

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
  /**
   * `response.created` at once, not at the source's first item, so every
   * failure is reported in-band (a background run: no HTTP answer waits).
   */
  startAtOnce?: boolean;
}

/** Hears of a failure that a stream reports in-band, e.g. to log it with the request id. */
export type FailureListener = (error: unknown) => void;

/**
 * Runs one response: feeds the machine from a source, hands its events to
 * the subscriber, keeps the stream alive while it is silent, and ends it
 * with exactly one terminal event, stored first (onTerminated, once).
 *
 * `response.created` waits for the source's first item, so a failure before
 * it surfaces as an Observable error (and so as an HTTP error), unless the
 * early keepalive (onWaiting) already gave the client its status. After
 * that, every failure becomes `response.failed`. A throw from the machine
 * or from a step here (a bug) ends this response the same way, never the
 * process.
 */
export class ResponseStreamDriver {
  private started = false;
  /** True once onWaiting was called: the client has its status then. */
  private waited = false;
  /** True once the terminal event is on its way: nothing else goes out, nothing is stored again. */
  private terminated = false;
  private keepalive: NodeJS.Timeout | undefined;
  private waiting: NodeJS.Timeout | undefined;
  private lastEmitAt = 0;
  /** The clock is read once per batch of events (one upstream read carries hundreds). */
  private stamped = false;
  private readonly unstamp = (): void => {
    this.stamped = false;
  };

  constructor(
    private readonly subscriber: Subscriber<ResponseStreamItem>,
    private readonly machine: ResponseEventMachine,
    private readonly options: ResponseStreamOptions,
  ) {}

  /** Drives the machine from `source$`, each item through `apply`; returns the teardown. */
  run<T>(
    source$: Observable<T>,
    apply: (item: T) => ResponseStreamItem[],
  ): TeardownLogic {
    this.waitForStart();
    if (this.options.startAtOnce === true) {
      this.guarded(() => this.startOnce());
    }
    const subscription = source$.subscribe({
      next: (item) =>
        this.guarded(() => {
          this.startOnce();
          this.emit(apply(item));
        }),
      error: (error: unknown) => this.failWith(error),
      complete: () =>
        this.guarded(() => {
          this.startOnce();
          this.emit(this.machine.finish());
        }),
    });
    return () => {
      this.stopTimers();
      subscription.unsubscribe();
    };
  }

  private emit(events: ResponseStreamItem[]): void {
    if (this.terminated) {
      return;
    }
    if (this.machine.terminated) {
      this.finishWith(events);
      return;
    }
    for (const event of events) {
      this.subscriber.next(event);
    }
    if (!this.stamped) {
      this.stamped = true;
      this.lastEmitAt = Date.now();
      queueMicrotask(this.unstamp);
    }
    const interval = this.options.keepaliveIntervalMs;
    if (
      this.started &&
      this.keepalive === undefined &&
      interval !== undefined
    ) {
      this.armKeepalive(interval, interval);
    }
  }

  /**
   * Sends the events before the terminal one, stores the response, then
   * sends the terminal event (always the machine's last). A store that
   * throws, even synchronously, still lets a terminal event out:
   * response.failed, saying the response was not stored.
   */
  private finishWith(events: ResponseStreamItem[]): void {
    this.terminated = true;
    this.stopTimers();
    // The machine's last event once terminated: never a run of deltas.
    const terminal = events[events.length - 1] as ResponseStreamEvent;
    for (const event of events.slice(0, -1)) {
      this.subscriber.next(event);
    }
    void Promise.resolve()
      .then(() => this.options.onTerminated?.(this.machine))
      .then(
        () => terminal,
        (error: unknown) => unstoredTerminal(terminal, error, this.options),
      )
      .then((last) => {
        if (last !== undefined) {
          this.subscriber.next(last);
        }
        this.subscriber.complete();
      });
  }

  private startOnce(): void {
    if (this.started) {
      return;
    }
    this.started = true;
    clearInterval(this.waiting);
    this.emit(this.machine.start());
    for (const listing of this.options.listings ?? []) {
      this.emit(
        this.machine.mcpListTools(
          listing.serverLabel,
          listing.tools.map(listedTool),
          listing.error,
        ),
      );
    }
  }

  private failWith(error: unknown): void {
    if ((!this.started && !this.waited) || isAbortError(error)) {
      this.subscriber.error(error);
      return;
    }
    if (this.terminated) {
      return;
    }
    try {
      // After an early keepalive the failure still opens with response.created.
      this.startOnce();
      if (error instanceof RunCancelled) {
        this.emit(this.machine.cancel());
        return;
      }
      this.options.onFailed?.(error);
      this.emit(this.machine.fail(failureOf(normalizeError(error))));
    } catch (failure) {
      this.subscriber.error(failure);
    }
  }

  private guarded(step: () => void): void {
    try {
      step();
    } catch (error) {
      this.failWith(error);
    }
  }

  /** Calls onWaiting every interval until response.created. */
  private waitForStart(): void {
    const onWaiting = this.options.onWaiting;
    const interval = this.options.keepaliveIntervalMs;
    if (onWaiting === undefined || interval === undefined) {
      return;
    }
    this.waiting = setInterval(() => {
      this.guarded(onWaiting);
      this.waited = true;
    }, interval);
    this.waiting.unref();
  }

  // One timer per stream, not one per event: when it fires it checks how
  // long the stream has really been silent and re-arms for the remainder.
  private armKeepalive(interval: number, delayMs: number): void {
    this.keepalive = setTimeout(() => {
      this.keepalive = undefined;
      const silentFor = Date.now() - this.lastEmitAt;
      if (silentFor >= interval) {
        this.guarded(() => this.emit([this.machine.keepalive()]));
      } else {
        this.armKeepalive(interval, interval - silentFor);
      }
    }, delayMs);
    this.keepalive.unref();
  }

  private stopTimers(): void {
    clearTimeout(this.keepalive);
    clearInterval(this.waiting);
  }
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
function failureOf(error: GatewayException): {
  code: string;
  message: string;
} {
  const status = error.options.status;
  if (status === 429 || error.options.openAiCode === 'rate_limit_exceeded') {
    return { code: 'rate_limit_exceeded', message: error.message };
  }
  return { code: 'server_error', message: error.message };
}
