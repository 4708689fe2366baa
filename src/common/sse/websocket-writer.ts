import type { FastifyBaseLogger } from 'fastify';
import type { Observable, Subscription } from 'rxjs';
import type { WebSocket } from 'ws';
import type { GatewayException } from '../errors/gateway.exception.js';
import { normalizeError } from '../errors/normalize-error.js';
import { FlowControl } from './flow-control.js';

/** How one endpoint puts its events on a WebSocket: one text frame each. */
export interface WebSocketFormat<T> {
  /** The text frame of an event. */
  frame(event: T): string;
  /** The frame for an error the stream ends with (the socket stays open). */
  errorFrame(error: GatewayException): string;
}

/** How a stream written to a WebSocket ended. */
export type WebSocketStreamEnd = 'completed' | 'errored' | 'closed';

/** Where a lost stream is reported: the upgrade request's logger (request.log). */
export type StreamLossLog = Pick<FastifyBaseLogger, 'info' | 'warn'>;

/** Above this many queued bytes the source is paused until the socket drains. */
const HIGH_WATER_BYTES = 1024 * 1024;
/** Each send callback (frame handed to the OS) resumes once below this. */
const LOW_WATER_BYTES = 256 * 1024;

/**
 * Writes an Observable to a WebSocket, one text frame per event: the
 * WebSocket counterpart of writeSse, sharing its RxJS pipeline.
 *
 * - Backpressure: when `socket.bufferedAmount` passes the high-water mark
 *   `flow` is paused (the upstream reader stops reading); the send callback
 *   resumes it once the buffer is below the low-water mark.
 * - An error becomes one error frame; the socket stays open for the next turn.
 * - The socket closing unsubscribes, which aborts the upstream request.
 * - A frame that could not be sent, or a socket that closes mid-stream, is
 *   logged once on `log` (with the upgrade's request id): the rest of that
 *   stream is lost.
 *
 * Resolves (never rejects) when the stream has ended, saying how.
 */
export function writeWebSocket<T>(
  socket: WebSocket,
  events$: Observable<T>,
  format: WebSocketFormat<T>,
  flow: FlowControl = new FlowControl(),
  log?: StreamLossLog,
): Promise<WebSocketStreamEnd> {
  return new Promise<WebSocketStreamEnd>((resolve) => {
    if (socket.readyState !== socket.OPEN) {
      resolve('closed');
      return;
    }
    new WebSocketStream(socket, format, flow, log, resolve).run(events$);
  });
}

/** One stream being written; see writeWebSocket. */
class WebSocketStream<T> {
  private finished = false;
  private lossLogged = false;
  // Assigned after subscribe() returns; a synchronous source may finish first.
  private subscription: Subscription | undefined;
  private readonly onClose = (): void => {
    if (!this.finished) {
      this.logLoss();
    }
    this.finish('closed');
  };
  private readonly onSent = (error?: Error): void => {
    if (error) {
      this.logLoss(error);
    }
    if (this.flow.paused && this.socket.bufferedAmount <= LOW_WATER_BYTES) {
      this.flow.resume();
    }
  };

  constructor(
    private readonly socket: WebSocket,
    private readonly format: WebSocketFormat<T>,
    private readonly flow: FlowControl,
    private readonly log: StreamLossLog | undefined,
    private readonly resolve: (end: WebSocketStreamEnd) => void,
  ) {}

  run(events$: Observable<T>): void {
    this.socket.on('close', this.onClose);
    this.subscription = events$.subscribe({
      next: (event) => this.next(event),
      error: (error: unknown) => this.fail(error),
      complete: () => this.finish('completed'),
    });
    if (this.finished) {
      this.subscription.unsubscribe();
    }
  }

  private next(event: T): void {
    if (this.finished) {
      return;
    }
    // A frame that cannot be written (a bug) fails this turn only: a throw
    // out of an observer would be an uncaught exception.
    try {
      this.send(this.format.frame(event));
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    if (!this.finished) {
      this.send(this.format.errorFrame(normalizeError(error)));
      this.finish('errored');
    }
  }

  private send(text: string): void {
    if (this.socket.readyState !== this.socket.OPEN) {
      if (!this.finished) {
        this.logLoss();
      }
      this.finish('closed');
      return;
    }
    this.socket.send(text, this.onSent);
    if (this.socket.bufferedAmount > HIGH_WATER_BYTES) {
      this.flow.pause();
    }
  }

  private finish(end: WebSocketStreamEnd): void {
    if (this.finished) {
      return;
    }
    this.finished = true;
    this.socket.off('close', this.onClose);
    this.flow.resume();
    this.subscription?.unsubscribe();
    this.resolve(end);
  }

  private logLoss(error?: Error): void {
    if (this.lossLogged) {
      return;
    }
    this.lossLogged = true;
    const message = 'the WebSocket closed before the stream ended';
    if (error === undefined) {
      this.log?.info(message);
    } else {
      this.log?.warn({ err: error }, `${message}: ${error.message}`);
    }
  }
}
