import type { FastifyReply } from 'fastify';
import { interval, map, type Observable, type Subscription } from 'rxjs';
import { GatewayException } from '../errors/gateway.exception.js';
import { normalizeError } from '../errors/normalize-error.js';
import { CoalescedWrites } from './coalesced-writes.js';
import { openEventStream } from './event-stream-response.js';
import { FlowControl } from './flow-control.js';

/** How one endpoint puts its events on the wire. */
export interface SseFormat<T> {
  /** One complete SSE frame (ending in a blank line) for an event, or several as bytes. */
  frame(event: T): string | Uint8Array;
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
 * Writes an Observable to the client as Server-Sent Events.
 *
 * - Nothing is written until the first event: an error before it rejects the
 *   returned promise, so the exception filter answers with a normal HTTP error.
 * - After that the reply is hijacked; frames of one turn of the event loop are coalesced into
 *   one write (CoalescedWrites), and writes honour backpressure through
 *   `flow` (paused when the socket buffer is full, resumed on 'drain').
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
  return new Promise<void>((resolve, reject) => {
    new SseStream(reply, format, flow, { resolve, reject }).run(
      events$,
      options.comments,
    );
  });
}

/** One stream being written; see writeSse. */
class SseStream<T> {
  private started = false;
  private finished = false;
  private lastWritten: T | undefined;
  private subscription: Subscription | undefined;
  private comments: Subscription | undefined;
  private readonly writes: CoalescedWrites;

  constructor(
    private readonly reply: FastifyReply,
    private readonly format: SseFormat<T>,
    private readonly flow: FlowControl,
    private readonly settle: {
      resolve: () => void;
      reject: (error: Error) => void;
    },
  ) {
    this.writes = new CoalescedWrites(reply.raw, flow);
  }

  run(events$: Observable<T>, comments$: Observable<string> | undefined): void {
    const raw = this.reply.raw;
    if (raw.closed && !raw.writableFinished) {
      // The client left before the stream began (during a hook, or while
      // its events were prepared): 'close' will not come again, so nothing
      // is subscribed and no upstream call starts.
      this.finish();
      return;
    }
    this.reply.raw.on('close', this.onClose);
    this.reply.raw.on('drain', this.onDrain);
    this.comments = comments$?.subscribe((text) => this.onComment(text));
    // Assigned after subscribe() returns; a synchronous source may finish first.
    this.subscription = events$.subscribe({
      next: (event) => this.onEvent(event),
      error: (error: unknown) => this.onError(error),
      complete: () => this.onComplete(),
    });
    if (this.finished) {
      this.subscription.unsubscribe();
    }
  }

  /** The client went away: unsubscribing tears down the upstream call. */
  private readonly onClose = (): void => this.finish();

  private readonly onDrain = (): void => this.flow.resume();

  private start(): void {
    this.started = true;
    openEventStream(this.reply);
  }

  private onComment(text: string): void {
    if (this.finished || this.lastWritten !== undefined) {
      return;
    }
    if (!this.started) {
      this.start();
    }
    this.writes.write(`: ${text}\n\n`);
  }

  private onEvent(event: T): void {
    if (this.finished) {
      return;
    }
    // A frame that cannot be written (a bug) fails this request only: a
    // throw out of an observer would be an uncaught exception.
    try {
      const frame = this.format.frame(event);
      if (!this.started) {
        this.start();
      }
      if (this.lastWritten === undefined) {
        this.comments?.unsubscribe();
      }
      this.writes.write(frame);
      this.lastWritten = event;
    } catch (error) {
      this.onError(error);
    }
  }

  private onError(error: unknown): void {
    if (this.finished) {
      return;
    }
    if (!this.started) {
      this.stopListening();
      this.unsubscribe();
      this.settle.reject(
        error instanceof Error ? error : normalizeError(error),
      );
      return;
    }
    const exception = normalizeError(error);
    // Told to the client in the stream; the upstream's fault, not ours.
    this.reply.log.warn(
      { err: exception.options.cause ?? exception },
      `stream failed after its first byte: ${exception.message}`,
    );
    this.writes.write(this.format.errorFrame(exception, this.lastWritten));
    this.writes.end();
    this.finish();
  }

  private onComplete(): void {
    if (this.finished) {
      return;
    }
    if (!this.started) {
      this.start();
    }
    if (this.format.trailer) {
      this.writes.write(this.format.trailer);
    }
    this.writes.end();
    this.finish();
  }

  private finish(): void {
    if (this.finished) {
      return;
    }
    this.stopListening();
    this.flow.resume();
    this.unsubscribe();
    this.settle.resolve();
  }

  private stopListening(): void {
    this.finished = true;
    this.reply.raw.off('close', this.onClose);
    this.reply.raw.off('drain', this.onDrain);
  }

  private unsubscribe(): void {
    this.comments?.unsubscribe();
    this.subscription?.unsubscribe();
  }
}

/** A `data: <json>` frame, the Chat Completions style. */
export function dataFrame(json: unknown): string {
  return `data: ${JSON.stringify(json)}\n\n`;
}

/** An `event: <type>` + `data: <json>` frame, the Responses API style. */
export function namedFrame(type: string, json: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(json)}\n\n`;
}
