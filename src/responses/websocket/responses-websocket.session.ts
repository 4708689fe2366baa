import type { Logger } from '@nestjs/common';
import type { RawData, WebSocket } from 'ws';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import { normalizeError } from '../../common/errors/normalize-error.js';
import { runInContext } from '../../common/logging/request-context.js';
import { FlowControl } from '../../common/sse/flow-control.js';
import {
  writeWebSocket,
  type StreamLossLog,
} from '../../common/sse/websocket-writer.js';
import {
  withEventNaming,
  type EventNaming,
} from '../../protocol/event-naming.js';
import type {
  CreateResponseRequest,
  ResponseStreamEvent,
} from '../../protocol/responses.types.js';
import type { ResponsesService } from '../responses.service.js';
import { InMemoryResponseStore } from '../store/in-memory-response.store.js';
import {
  errorEvent,
  readCreateMessage,
  responsesWebSocketFormat,
  type WebSocketErrorEvent,
} from './websocket-frames.js';
import {
  admitTurn,
  type TurnAdmissionContext,
  type TurnOptions,
} from './websocket-turn-admission.js';
import { expandTextRuns } from '../core/text-delta-run.js';

/** What a connection's turns share, fixed at the upgrade. */
export interface SessionContext extends TurnAdmissionContext {
  naming: EventNaming;
  /** How many `store:false` responses the connection keeps. */
  cacheCapacity: number;
  /** Bytes (JSON length) they may take (MEMORY_STORE_MAX_BYTES); unset: unbounded. */
  cacheMaxBytes?: number;
  /** Messages that may wait behind the running turn (WS_MAX_PENDING_TURNS). */
  maxPendingTurns: number;
  /** Closes the socket after this long without a turn or a message; 0: never. */
  idleTimeoutMs: number;
  /** Aborts when the gateway starts draining. */
  drainSignal: AbortSignal;
  logger: Logger;
  /** The upgrade request's logger (its request id): a turn's lost frames go there. */
  requestLog?: StreamLossLog;
}

/** The close codes a session ends with (RFC 6455 §7.4.1). */
const SESSION_CLOSE = {
  idle: { code: 1000, reason: 'idle timeout' },
  shuttingDown: { code: 1001, reason: 'server shutting down' },
  tooManyPending: { code: 1008, reason: 'too many pending turns' },
  keyRevoked: { code: 1008, reason: 'API key revoked' },
} as const;

/** A client message waiting for its turn, kept as the bytes it came in. */
interface PendingMessage {
  data: RawData;
  isBinary: boolean;
}

// Terminal events after which the turn's continuation counts as failed.
const FAILED_TERMINALS = new Set(['response.failed']);

/**
 * One WebSocket connection in Responses WebSocket mode. Each
 * `response.create` text frame runs one turn through the same pipeline as
 * SSE, as the upgrade request's tenant, admitted and counted like an HTTP
 * request of its key (websocket-turn-admission.ts) and run in a request
 * context of its own; turns run one after another.
 * `store:false` responses stay in a cache of this connection only (made
 * here, never shared), stored with that tenant as owner like any other. A failed turn sends an error event (or
 * ends with `response.failed`) and the socket stays usable; a failed
 * continuation evicts the cached response it continued.
 *
 * Bounded: at most `maxPendingTurns` messages wait behind the running turn
 * (one more closes the socket with 1008: an error frame would be read as
 * the running turn's end), a socket without a turn or a message for
 * `idleTimeoutMs` is closed with 1000, and once the gateway drains it is
 * closed with 1001 as soon as its running turn is over. Queued turns that
 * never started then get one error frame each, in order.
 */
export class ResponsesWebSocketSession {
  private readonly cache: InMemoryResponseStore;
  private readonly pending: PendingMessage[] = [];
  private running = false;
  private closing = false;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: WebSocket,
    private readonly service: ResponsesService,
    private readonly context: SessionContext,
  ) {
    this.cache = new InMemoryResponseStore(
      context.cacheCapacity,
      context.cacheMaxBytes,
    );
    socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    const onDrain = (): void => this.onDrain();
    context.drainSignal.addEventListener('abort', onDrain, { once: true });
    socket.once('close', () => {
      this.closing = true;
      this.pending.length = 0;
      clearTimeout(this.idleTimer);
      context.drainSignal.removeEventListener('abort', onDrain);
    });
    if (context.drainSignal.aborted) {
      this.close(SESSION_CLOSE.shuttingDown);
      return;
    }
    this.armIdleTimer();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closing) {
      return;
    }
    if (this.pending.length >= this.context.maxPendingTurns && this.running) {
      this.context.logger.warn(
        { maxPendingTurns: this.context.maxPendingTurns },
        'WebSocket closed: too many turns pending behind the running one',
      );
      this.close(SESSION_CLOSE.tooManyPending);
      return;
    }
    this.pending.push({ data, isBinary });
    void this.runPending();
  }

  /** Runs the queued turns one after another, then waits (idle) or closes (draining). */
  private async runPending(): Promise<void> {
    if (this.running) {
      return;
    }
    this.running = true;
    clearTimeout(this.idleTimer);
    let next: PendingMessage | undefined;
    while (
      !this.closing &&
      !this.context.drainSignal.aborted &&
      (next = this.pending.shift()) !== undefined
    ) {
      await this.turn(next).catch((error: unknown) =>
        this.context.logger.error({ err: error }, 'WebSocket turn failed'),
      );
    }
    this.running = false;
    if (this.context.drainSignal.aborted) {
      this.closeAfterDrain();
    } else {
      this.armIdleTimer();
    }
  }

  private onDrain(): void {
    // A running turn finishes first; runPending closes after it.
    if (!this.running) {
      this.closeAfterDrain();
    }
  }

  /** Answers each turn that never started, then closes with 1001. */
  private closeAfterDrain(): void {
    const notStarted = this.pending.splice(0).length;
    for (let turn = 0; turn < notStarted; turn++) {
      this.sendError(
        new GatewayException(
          'service_unavailable',
          'The gateway is shutting down: this turn was not started; send it again on a new connection.',
        ),
        0,
      );
    }
    this.close(SESSION_CLOSE.shuttingDown);
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    if (this.context.idleTimeoutMs > 0 && !this.closing) {
      this.idleTimer = setTimeout(
        () => this.close(SESSION_CLOSE.idle),
        this.context.idleTimeoutMs,
      );
      this.idleTimer.unref();
    }
  }

  private close(how: { code: number; reason: string }): void {
    if (this.closing) {
      return;
    }
    this.closing = true;
    clearTimeout(this.idleTimer);
    if (this.socket.readyState === this.socket.OPEN) {
      this.socket.close(how.code, how.reason);
    }
  }

  private async turn(message: PendingMessage): Promise<void> {
    if (this.socket.readyState !== this.socket.OPEN) {
      return;
    }
    let request: CreateResponseRequest;
    let bytes: number;
    try {
      ({ request, bytes } = readCreateMessage(message.data, message.isBinary));
    } catch (error) {
      this.sendError(error, 0);
      return;
    }
    const admitted = await admitTurn(this.context, request, bytes);
    if (admitted.kind !== 'run') {
      this.send(admitted.event);
      if (admitted.kind === 'revoked') {
        this.close(SESSION_CLOSE.keyRevoked);
      }
      return;
    }
    let failed: boolean;
    try {
      failed = await runInContext(admitted.context, () =>
        this.run(request, admitted.options),
      );
    } finally {
      admitted.ended();
    }
    const previous = request.previous_response_id;
    if (failed && previous) {
      await this.cache.delete(previous);
    }
  }

  /** Runs one turn; true when it failed. */
  private async run(
    request: CreateResponseRequest,
    options: TurnOptions,
  ): Promise<boolean> {
    const flow = new FlowControl();
    const sequence = { next: 0 };
    let failedTerminal = false;
    let events$;
    try {
      events$ = await this.service.stream(request, {
        ...options,
        flow,
        connectionStore: this.cache,
        onFailed: (error) =>
          this.context.logger.warn(
            { err: error },
            'WebSocket turn failed after response.created (sent as response.failed)',
          ),
      });
    } catch (error) {
      this.sendError(error, 0);
      return true;
    }
    const format = responsesWebSocketFormat(sequence);
    const end = await writeWebSocket(
      this.socket,
      events$.pipe(expandTextRuns(), withEventNaming(this.context.naming)),
      {
        frame: (event: ResponseStreamEvent) => {
          failedTerminal ||= FAILED_TERMINALS.has(event.type);
          return format.frame(event);
        },
        errorFrame: (error) => format.errorFrame(error),
      },
      flow,
      this.context.requestLog,
    );
    return end === 'errored' || failedTerminal;
  }

  private sendError(error: unknown, sequenceNumber: number): void {
    this.send(errorEvent(normalizeError(error), sequenceNumber));
  }

  private send(event: WebSocketErrorEvent): void {
    if (this.socket.readyState === this.socket.OPEN) {
      this.socket.send(JSON.stringify(event));
    }
  }
}
