import { AsyncResource } from 'node:async_hooks';
import { Readable } from 'node:stream';
import { GatewayException } from '../common/errors/gateway.exception.js';
import type { FlowControl } from '../common/sse/flow-control.js';
import { ChatSseParser, type ParsedChunkListener } from './chat-sse.parser.js';
import {
  tooLargeException,
  type UpstreamSizeLimits,
} from './upstream-limits.js';
import type { ShortcutRoute } from './decoder/verbatim-chunk.js';

/** How {@link readChatStream} stopped. */
export type ChatStreamEnd = 'finished' | 'closed';

/** What readChatStream reads: an upstream body (undici's is a Readable). */
export type UpstreamBody = Readable | AsyncIterable<unknown>;

/** How {@link readChatStream} reads, besides the body. */
export interface ReadOptions<T> {
  isClosed: () => boolean;
  flow?: FlowControl;
  /** Payloads read without JSON.parse, see ChatSseParser. */
  shortcut?: ShortcutRoute<T>;
  limits?: Pick<UpstreamSizeLimits, 'maxEventBytes' | 'maxAnswerBytes'>;
  /**
   * Told after a read that completed an event, and after a wait for the
   * client (flow): the stream moved on. SSE comments alone do not count.
   */
  onProgress?: () => void;
}

/**
 * Reads an upstream's Chat Completions SSE body, passing each chunk to
 * `onChunk`, pausing the body while `flow` waits for the client. Stops
 * early, with `'closed'`, once `isClosed()` says nobody listens any more.
 * The body is read from its 'data' events: an async iterator would join
 * the reads waiting in the stream into a new buffer and cost promise jobs
 * per read. Servers write each SSE event as an HTTP chunk of its own, and
 * undici hands each chunk on as a 'data' event, all of one socket read in
 * one synchronous burst: the burst is read as one buffer once it ends
 * (bench/README.md, "Fast paths"). The handlers run in the caller's async
 * context (the request's, for its log lines), not in the socket's.
 * @throws GatewayException `upstream_bad_response` when the body ends before
 * `[DONE]` or a finish_reason, or when one event or the whole answer grows
 * past `limits`: as soon as it does, so no more of it is read.
 */
export function readChatStream<T = never>(
  body: UpstreamBody,
  upstreamName: string,
  onChunk: ParsedChunkListener,
  options: ReadOptions<T>,
): Promise<ChatStreamEnd> {
  const parser = new ChatSseParser<T>(
    onChunk,
    upstreamName,
    options.shortcut,
    options.limits?.maxEventBytes,
  );
  const readable = body instanceof Readable ? body : Readable.from(body);
  return new Promise<ChatStreamEnd>((resolve, reject) => {
    new BodyReading(readable, parser, upstreamName, options, {
      resolve,
      reject,
    }).start();
  });
}

/** One body being read; see readChatStream. */
class BodyReading<T> {
  private answerBytes = 0;
  private settled = false;
  /** The 'data' events of the current burst, read together when it ends. */
  private burst: Buffer[] = [];
  private burstBytes = 0;
  private burstScheduled = false;
  /** The caller's async context, for the body's events (see readChatStream). */
  private readonly context = new AsyncResource('gateway-upstream-body');
  private readonly maxAnswerBytes: number;

  constructor(
    private readonly body: Readable,
    private readonly parser: ChatSseParser<T>,
    private readonly upstreamName: string,
    private readonly options: ReadOptions<T>,
    private readonly settle: {
      resolve: (end: ChatStreamEnd) => void;
      reject: (error: unknown) => void;
    },
  ) {
    this.maxAnswerBytes = options.limits?.maxAnswerBytes ?? Infinity;
  }

  start(): void {
    // Kept after the end too: an error event without a listener would throw.
    this.body.on('error', (error: unknown) =>
      this.inContext(() => {
        // What came before the failure is read first, as it came first.
        this.readBurst();
        this.fail(error);
      }),
    );
    this.body.on('end', this.onEnd);
    this.body.on('data', this.onData);
  }

  /**
   * Counts the bytes at once (an answer too large stops the reading on the
   * read that makes it so) and keeps them for the end of the burst: a
   * process.nextTick job runs once the socket's read has been parsed whole.
   */
  private readonly onData = (bytes: Buffer): void => {
    this.answerBytes += bytes.length;
    if (this.answerBytes > this.maxAnswerBytes) {
      this.inContext(() => {
        this.readBurst();
        this.fail(
          tooLargeException(this.upstreamName, 'answer', this.maxAnswerBytes),
        );
      });
      return;
    }
    this.burst.push(bytes);
    this.burstBytes += bytes.length;
    if (!this.burstScheduled) {
      this.burstScheduled = true;
      process.nextTick(this.onBurstEnd);
    }
  };

  private readonly onBurstEnd = (): void => {
    this.burstScheduled = false;
    if (this.burst.length > 0) {
      this.inContext(() => this.readBurst());
    }
  };

  private readonly onEnd = (): void =>
    this.inContext(() => {
      this.readBurst();
      if (!this.settled) {
        this.end();
      }
    });

  /** Runs `work` in the async context readChatStream was called in. */
  private inContext(work: () => void): void {
    this.context.runInAsyncScope(work);
  }

  /** Reads the burst's bytes as one buffer, unless the reading already stopped. */
  private readBurst(): void {
    const { burst, burstBytes } = this;
    this.burst = [];
    this.burstBytes = 0;
    if (burst.length === 0 || this.settled) {
      return;
    }
    this.read(
      burst.length === 1 ? burst[0]! : Buffer.concat(burst, burstBytes),
    );
  }

  private read(bytes: Buffer): void {
    const eventsBefore = this.parser.eventCount;
    try {
      ownWork(() => this.parser.feed(bytes));
    } catch (error) {
      this.fail(error);
      return;
    }
    if (this.parser.eventCount !== eventsBefore) {
      this.options.onProgress?.();
    }
    if (this.options.isClosed()) {
      this.body.pause();
      this.finish(() => this.settle.resolve('closed'));
      return;
    }
    this.waitForClient();
  }

  private end(): void {
    try {
      ownWork(() => this.parser.end());
      if (!this.parser.sawDone && !this.parser.sawFinish) {
        throw new GatewayException(
          'upstream_bad_response',
          `The upstream '${this.upstreamName}' ended the stream before it finished.`,
          { openAiCode: 'upstream_bad_response' },
        );
      }
    } catch (error) {
      this.fail(error);
      return;
    }
    this.finish(() => this.settle.resolve('finished'));
  }

  /** A client that cannot take more pauses the body: backpressure reaches the upstream. */
  private waitForClient(): void {
    const wait = this.options.flow?.ready();
    if (wait === undefined) {
      return;
    }
    this.body.pause();
    void wait.then(() => {
      if (!this.settled) {
        // Time spent waiting for a slow client is not upstream silence.
        this.options.onProgress?.();
        this.body.resume();
      }
    });
  }

  /** Our own failure stops the body: nothing more of it is read. */
  private fail(error: unknown): void {
    if (!this.settled) {
      this.finish(() => this.settle.reject(error));
      this.body.destroy();
    }
  }

  private finish(settle: () => void): void {
    this.settled = true;
    this.body.off('data', this.onData);
    this.body.off('end', this.onEnd);
    settle();
  }
}

/**
 * Runs the gateway's own reading of the bytes. What it throws is the
 * gateway's (a bad stream, or a bug: `internal`), never a transport failure
 * towards the upstream, which is what anything else thrown while the body is
 * read would be taken for.
 */
function ownWork(work: () => void): void {
  try {
    work();
  } catch (error) {
    throw error instanceof GatewayException
      ? error
      : new GatewayException(
          'internal',
          'The gateway failed to read the upstream stream.',
          { cause: error },
        );
  }
}
