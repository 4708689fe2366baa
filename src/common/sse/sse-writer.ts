import type { FastifyReply } from 'fastify';
import { interval, map, type Observable, type Subscription } from 'rxjs';
import { GatewayException } from '../errors/gateway.exception.js';
import { normalizeError } from '../errors/normalize-error.js';
import { FlowControl } from './flow-control.js';

/** How one endpoint puts its events on the wire. */
export interface SseFormat<T> {
  /** One complete SSE frame (ending in a blank line) for an event. */
  frame(event: T): string;
  /**
   * The final frame for an error that happens after the first byte;
   * `lastWritten` is the last event that went out (for its numbering).
   */
  errorFrame(error: GatewayException, lastWritten: T | undefined): string;
  /** Written after the last event of a stream that completed, e.g. `data: [DONE]`. */
  trailer?: string;
}

/** How a stream may be written, besides its events. */
export interface SseWriteOptions {
  /**
   * Comment texts written while no event has gone out yet, e.g. `keepalive`
   * while the upstream is slow to start: SSE clients skip comments, and the
   * bytes keep proxies and clients from timing out. Ignored after the first
   * event. The first comment sends the 200 and the headers, so a failure
   * after it is the format's error frame, no longer an HTTP status.
   */
  comments?: Observable<string>;
}

/** The comment of a stream that waits for its first event. */
export const KEEPALIVE_COMMENT = 'keepalive';

/** KEEPALIVE_COMMENT every `intervalMs`, for SseWriteOptions.comments. */
export function keepaliveComments(intervalMs: number): Observable<string> {
  return interval(intervalMs).pipe(map(() => KEEPALIVE_COMMENT));
}

/**
 * Coalesced frames are flushed early past this size, to bound the buffer.
 * Above one upstream read's worth of frames: a socket read is at most
 * 64 KiB, and a translated frame can be longer than the chunk it came from
 * (a Responses text delta is ~1.2× its chat chunk), so a 64 Ki cap split
 * full reads into two writes.
 */
const MAX_COALESCED_CHARS = 256 * 1024;

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  // nginx and most ingresses buffer responses unless told not to.
  'x-accel-buffering': 'no',
};

/**
 * Writes an Observable to the client as Server-Sent Events.
 *
 * - Nothing is written until the first event: an error before it rejects the
 *   returned promise, so the exception filter answers with a normal HTTP error.
 * - After that the reply is hijacked; frames of one tick are coalesced into
 *   one write, and writes honour backpressure through `flow` (paused when
 *   the socket buffer is full, resumed on 'drain').
 * - A client disconnect is seen on the raw response's 'close' (the request's
 *   'close' fires as soon as the body is read) and unsubscribes, which aborts
 *   the upstream request. Once anything was written, a connection that
 *   closes before the stream's end reached the socket is logged once on
 *   reply.log (so with the request id), with the socket's error, if any
 *   (EPIPE, ECONNRESET on a write): the rest of that stream is lost.
 *
 * Resolves when the stream has ended, however it ended.
 */
export function writeSse<T>(
  reply: FastifyReply,
  events$: Observable<T>,
  format: SseFormat<T>,
  flow: FlowControl = new FlowControl(),
  options: SseWriteOptions = {},
): Promise<void> {
  const raw = reply.raw;
  return new Promise<void>((resolve, reject) => {
    let started = false;
    let finished = false;
    let lastWritten: T | undefined;
    // Assigned after subscribe() returns; a synchronous source may finish first.
    const handle: { subscription?: Subscription; comments?: Subscription } = {};

    const finish = (): void => {
      if (finished) {
        return;
      }
      finished = true;
      raw.off('close', onClose);
      raw.off('drain', onDrain);
      flow.resume();
      handle.comments?.unsubscribe();
      handle.subscription?.unsubscribe();
      resolve();
    };
    const onClose = (): void => {
      // The client went away: unsubscribing tears down the upstream call.
      finish();
    };
    const onDrain = (): void => flow.resume();
    // Frames produced in the same tick (one upstream read often carries many
    // chunks) leave in one socket write: a write per frame costs a syscall
    // each, and on loopback the sender also pays for the receiver's TCP work.
    // The flush waits for process.nextTick. The upstream reader is an async
    // loop, so frames are written from promise jobs, and a tick scheduled
    // from a promise job runs only once the promise jobs queued meanwhile
    // have settled: the frames a stream's end produces over a few promise
    // steps (closing items, storing the response, the terminal event) go out
    // together. With the cap above, writes per 500-chunk Responses stream
    // went from 5.0 to 3.0, as many as its chat pass-through. They wait
    // as a list joined once per write: `+=` would build a rope that the
    // write then walks piece by piece (measured on a Responses stream:
    // 286 µs to size the rope against 45 µs for the joined text).
    let pending: string[] = [];
    let pendingChars = 0;
    let flushScheduled = false;
    /** The pending frames as one text, emptied; '' when nothing can be written. */
    const takePending = (): string => {
      const text = raw.destroyed ? '' : pending.join('');
      pending = [];
      pendingChars = 0;
      return text;
    };
    const flush = (): void => {
      flushScheduled = false;
      const text = takePending();
      if (text !== '' && !raw.write(text)) {
        flow.pause();
      }
    };
    const write = (text: string): void => {
      pending.push(text);
      pendingChars += text.length;
      if (pendingChars >= MAX_COALESCED_CHARS) {
        flush();
      } else if (!flushScheduled) {
        flushScheduled = true;
        process.nextTick(flush);
      }
    };
    // The last frames and the end of the chunked body share one write.
    const end = (): void => {
      const text = takePending();
      if (text === '') {
        raw.end();
      } else {
        raw.end(text);
      }
    };
    const start = (): void => {
      started = true;
      reply.hijack();
      raw.writeHead(200, { ...headersSetSoFar(reply), ...SSE_HEADERS });
      raw.flushHeaders();
      logLostStream(reply);
    };

    raw.on('close', onClose);
    raw.on('drain', onDrain);
    handle.comments = options.comments?.subscribe((text) => {
      if (finished || lastWritten !== undefined) {
        return;
      }
      if (!started) {
        start();
      }
      write(`: ${text}\n\n`);
    });
    const onError = (error: unknown): void => {
      if (finished) {
        return;
      }
      if (!started) {
        finished = true;
        raw.off('close', onClose);
        raw.off('drain', onDrain);
        handle.comments?.unsubscribe();
        handle.subscription?.unsubscribe();
        reject(error instanceof Error ? error : normalizeError(error));
        return;
      }
      const exception = normalizeError(error);
      // Told to the client in the stream; the upstream's fault, not ours.
      reply.log.warn(
        { err: exception.options.cause ?? exception },
        `stream failed after its first byte: ${exception.message}`,
      );
      write(format.errorFrame(exception, lastWritten));
      end();
      finish();
    };
    handle.subscription = events$.subscribe({
      next: (event) => {
        if (finished) {
          return;
        }
        // A frame that cannot be written (a bug) fails this request only: a
        // throw out of an observer would be an uncaught exception.
        try {
          const frame = format.frame(event);
          if (!started) {
            start();
          }
          if (lastWritten === undefined) {
            handle.comments?.unsubscribe();
          }
          write(frame);
          lastWritten = event;
        } catch (error) {
          onError(error);
        }
      },
      error: onError,
      complete: () => {
        if (finished) {
          return;
        }
        if (!started) {
          start();
        }
        if (format.trailer) {
          write(format.trailer);
        }
        end();
        finish();
      },
    });
    if (finished) {
      handle.subscription.unsubscribe();
    }
  });
}

/**
 * Logs, once, a stream whose connection closed before all of it reached the
 * socket: a client that left mid-stream, or a write that failed. The socket's
 * error is only known from the socket itself (the response just closes), so
 * it is heard there until the response closes.
 */
function logLostStream(reply: FastifyReply): void {
  const raw = reply.raw;
  const socket = raw.socket;
  let socketError: Error | undefined;
  const onError = (error: Error): void => {
    socketError ??= error;
  };
  socket?.on('error', onError);
  raw.on('error', onError);
  raw.once('close', () => {
    socket?.off('error', onError);
    raw.off('error', onError);
    if (raw.writableFinished) {
      return;
    }
    const message = 'the client connection closed before the stream ended';
    if (socketError === undefined) {
      reply.log.info(message);
    } else {
      reply.log.warn(
        { err: socketError },
        `${message}: ${errorCodeOf(socketError)}`,
      );
    }
  });
}

function errorCodeOf(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.message;
}

/** Headers set on the reply before hijack (request id, CORS…), kept on the stream. */
function headersSetSoFar(
  reply: FastifyReply,
): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) {
      headers[name] = Array.isArray(value) ? value : String(value);
    }
  }
  return headers;
}

/** A `data: <json>` frame, the Chat Completions style. */
export function dataFrame(json: unknown): string {
  return `data: ${JSON.stringify(json)}\n\n`;
}

/** An `event: <type>` + `data: <json>` frame, the Responses API style. */
export function namedFrame(type: string, json: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(json)}\n\n`;
}
