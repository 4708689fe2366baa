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
    let finished = false;
    let lossLogged = false;
    const logLoss = (error?: Error): void => {
      if (lossLogged) {
        return;
      }
      lossLogged = true;
      const message = 'the WebSocket closed before the stream ended';
      if (error === undefined) {
        log?.info(message);
      } else {
        log?.warn({ err: error }, `${message}: ${error.message}`);
      }
    };
    // Assigned after subscribe() returns; a synchronous source may finish first.
    const handle: { subscription?: Subscription } = {};

    const finish = (end: WebSocketStreamEnd): void => {
      if (finished) {
        return;
      }
      finished = true;
      socket.off('close', onClose);
      flow.resume();
      handle.subscription?.unsubscribe();
      resolve(end);
    };
    const onClose = (): void => {
      if (!finished) {
        logLoss();
      }
      finish('closed');
    };
    const onSent = (error?: Error): void => {
      if (error) {
        logLoss(error);
      }
      if (flow.paused && socket.bufferedAmount <= LOW_WATER_BYTES) {
        flow.resume();
      }
    };
    const send = (text: string): void => {
      if (socket.readyState !== socket.OPEN) {
        if (!finished) {
          logLoss();
        }
        finish('closed');
        return;
      }
      socket.send(text, onSent);
      if (socket.bufferedAmount > HIGH_WATER_BYTES) {
        flow.pause();
      }
    };

    if (socket.readyState !== socket.OPEN) {
      resolve('closed');
      return;
    }
    socket.on('close', onClose);
    const onError = (error: unknown): void => {
      if (!finished) {
        send(format.errorFrame(normalizeError(error)));
        finish('errored');
      }
    };
    handle.subscription = events$.subscribe({
      next: (event) => {
        if (finished) {
          return;
        }
        // A frame that cannot be written (a bug) fails this turn only: a
        // throw out of an observer would be an uncaught exception.
        try {
          send(format.frame(event));
        } catch (error) {
          onError(error);
        }
      },
      error: onError,
      complete: () => finish('completed'),
    });
    if (finished) {
      handle.subscription.unsubscribe();
    }
  });
}
