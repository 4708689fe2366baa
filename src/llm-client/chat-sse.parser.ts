import { TextDecoder } from 'node:util';
import {
  createParser,
  type EventSourceParser,
  type ParseError,
} from 'eventsource-parser';
import { GatewayException } from '../common/errors/gateway.exception.js';
import type { ChatCompletionChunk } from '../protocol/chat-completion.types.js';
import { ChunkDecoder } from './decoder/chunk-decoder.js';
import {
  type DecodedError,
  decodeErrorBody,
  upstreamErrorException,
} from './decoder/error-decoder.js';
import { type RawObject } from './decoder/raw-fields.js';
import {
  type ShortcutRoute,
  type TextRunRule,
  VerbatimFrames,
  type VerbatimFramesRule,
} from './decoder/verbatim-chunk.js';
import { type SplitEvents, VerbatimSplitter } from './sse-verbatim-splitter.js';
import { tooLargeException } from './upstream-limits.js';
import { isRecord } from '../common/is-record.js';
import { flatCopy } from '../common/strings/flat-copy.js';

/**
 * Decodes whole events, one call each, where a BOM is text: stateless
 * between calls (never in stream mode), so one serves every stream.
 */
const EVENT_DECODER = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Told of each parsed chunk, with the upstream's JSON text of it when that
 * still says exactly what the chunk says (see UpstreamChunk), else undefined.
 */
export type ParsedChunkListener = (
  chunk: ChatCompletionChunk,
  raw: string | undefined,
) => void;

/**
 * Incremental reader of a Chat Completions SSE body. Feed it bytes split
 * anywhere; it calls `onChunk` for every complete `data:` event, handles
 * multi-line data and comments, and records the `[DONE]` terminator.
 * With a {@link ShortcutRoute}, a payload its shortcut turns into an item
 * goes to `onItem` as that item, never parsed, and each payload that is
 * parsed is handed back to it as the stream's decoder decoded it
 * (`learnFrom`). Events are split on the bytes (VerbatimSplitter) and each
 * decoded on its own; when the shortcut has a VerbatimFramesRule, runs of
 * events it accepts go to `onItem` as one item each, never decoded.
 * With `maxEventBytes`, an event
 * that grows past it (an unfinished line, or data lines without the blank
 * line that ends them) fails as soon as it does, instead of being buffered
 * whole: the parser counts it in decoded characters, one per byte of the
 * ASCII JSON that upstreams send.
 */
export class ChatSseParser<T = never> {
  /**
   * For the rest of a stream that left the canonical form, in stream mode,
   * made when it does: it drops a BOM only when that rest is the whole
   * stream (see the splitter's `rest`).
   */
  private decoder: TextDecoder | undefined;
  /** The general SSE parser, made when an event first needs it: most streams never do. */
  private generalParser: EventSourceParser | undefined;
  private readonly splitter: VerbatimSplitter;
  private readonly chunks = new ChunkDecoder();
  private done = false;
  private finishSeen = false;
  private events = 0;
  private failure: GatewayException | null = null;

  constructor(
    private readonly onChunk: ParsedChunkListener,
    private readonly upstreamName: string,
    private readonly shortcut?: ShortcutRoute<T>,
    private readonly maxEventBytes?: number,
  ) {
    const rule = shortcut?.read.frames;
    const texts = shortcut?.read.texts;
    this.splitter = new VerbatimSplitter(
      this.splitSink(rule, texts),
      rule?.verdict,
      maxEventBytes,
      texts?.text,
    );
  }

  /**
   * The general parser, for what the splitter does not read on the bytes
   * (comments, `event:` lines, multi-line data, a stream with CRs): made on
   * first use, as its closures cost a few microseconds a stream.
   */
  private get parser(): EventSourceParser {
    if (this.generalParser === undefined) {
      const { maxEventBytes } = this;
      this.generalParser = createParser({
        onEvent: (event) => {
          this.events++;
          if (event.event === 'error') {
            this.handleErrorEvent(event.data);
          } else {
            this.handleData(event.data);
          }
        },
        onError: (error) => this.handleParseError(error, maxEventBytes),
        ...(maxEventBytes === undefined
          ? {}
          : { maxBufferSize: maxEventBytes }),
      });
      // Its own BOM check looks at the first text it is fed, which is not
      // the stream's start when events before it were read on the bytes.
      this.generalParser.feed('');
    }
    return this.generalParser;
  }

  /** How many events were complete so far (comments are not events). */
  get eventCount(): number {
    return this.events;
  }

  /** True once `data: [DONE]` arrived. */
  get sawDone(): boolean {
    return this.done;
  }

  /** True once any choice carried a finish_reason. */
  get sawFinish(): boolean {
    return this.finishSeen;
  }

  /** Feeds raw bytes; throws the first malformed event as a GatewayException. */
  feed(bytes: Uint8Array): void {
    this.splitter.feed(bytes);
    this.throwIfFailed();
  }

  /** Flushes the decoder at the end of the body. */
  end(): void {
    this.splitter.end();
    if (this.decoder !== undefined) {
      this.parser.feed(this.decoder.decode());
    }
    this.throwIfFailed();
  }

  /** What the splitter reads goes where the general parser's events go. */
  private splitSink(
    rule: VerbatimFramesRule<T> | undefined,
    textRule: TextRunRule<T> | undefined,
  ): SplitEvents {
    return {
      frames: (bytes, count) => {
        this.events += count;
        if (rule && !this.done && !this.failure) {
          this.shortcut?.onItem(rule.item(new VerbatimFrames(bytes, count)));
        }
      },
      texts: (texts) => {
        this.events += texts.length;
        if (textRule && !this.done && !this.failure) {
          this.shortcut?.onItem(textRule.item(texts));
        }
      },
      payload: (data) => {
        this.events++;
        this.handleData(
          typeof data === 'string' ? data : EVENT_DECODER.decode(data),
        );
      },
      event: (bytes) => this.parser.feed(EVENT_DECODER.decode(bytes)),
      rest: (bytes, atStart) => {
        this.decoder ??= atStart
          ? new TextDecoder()
          : new TextDecoder('utf-8', { ignoreBOM: true });
        this.parser.feed(this.decoder.decode(bytes, { stream: true }));
      },
      tooLarge: () => {
        this.failure ??= tooLargeException(
          this.upstreamName,
          'event',
          this.maxEventBytes ?? 0,
        );
      },
    };
  }

  private handleData(data: string): void {
    if (this.done || this.failure) {
      return;
    }
    // A chunk starts with `{`: only other data is trimmed (a call into
    // V8 per event otherwise, on the path of every chunk).
    if (data.charCodeAt(0) !== 0x7b /* { */ && data.trim() === '[DONE]') {
      this.done = true;
      return;
    }
    if (this.shortcut) {
      const item = this.shortcut.read(data);
      if (item !== undefined) {
        this.shortcut.onItem(item);
        return;
      }
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      this.failure = this.malformed(
        `a stream event is not JSON: ${excerpt(data, 200)}`,
      );
      return;
    }
    if (!isRecord(parsed)) {
      this.failure = this.malformed(
        `a stream event is not a JSON object: ${excerpt(data, 200)}`,
      );
      return;
    }
    // vLLM, SGLang and OpenAI report mid-stream failures in-band, on a 200.
    const error = inBandError(parsed);
    if (error !== undefined) {
      this.failure = this.inStreamFailure(error, data);
      return;
    }
    const { chunk, rewritten } = this.chunks.decode(parsed);
    this.shortcut?.read.learnFrom?.(data, chunk, rewritten);
    if (chunk.choices.some((c) => c.finish_reason)) {
      this.finishSeen = true;
    }
    this.onChunk(chunk, rewritten ? undefined : data);
  }

  /**
   * The event grew past maxEventBytes (the parser has dropped it). Other
   * parse errors, an unknown field or a bad `retry`, are ignored, as a
   * browser's EventSource ignores them.
   */
  private handleParseError(error: ParseError, maxEventBytes = 0): void {
    if (error.type === 'max-buffer-size-exceeded' && !this.failure) {
      this.failure = tooLargeException(
        this.upstreamName,
        'event',
        maxEventBytes,
      );
    }
  }

  /** LM Studio's `event: error`: a failure whatever its data holds. */
  private handleErrorEvent(data: string): void {
    if (this.done || this.failure) {
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      parsed = { message: data };
    }
    this.failure = this.inStreamFailure(decodeErrorBody(parsed), data);
  }

  private inStreamFailure(
    error: DecodedError | undefined,
    data: string,
  ): GatewayException {
    const prefix = `The upstream '${this.upstreamName}' failed mid-stream: `;
    return upstreamErrorException(
      error,
      prefix + excerpt(data, 500),
      undefined,
      error?.message === undefined ? '' : prefix,
    );
  }

  private malformed(detail: string): GatewayException {
    return new GatewayException(
      'upstream_bad_response',
      `The upstream '${this.upstreamName}' sent an invalid stream: ${detail}`,
      { openAiCode: 'upstream_bad_response' },
    );
  }

  private throwIfFailed(): void {
    if (this.failure) {
      throw this.failure;
    }
  }
}

/**
 * The start of `data` as a string of its own: a payload may be a slice of
 * a whole upstream read, which an error kept for longer would pin.
 */
function excerpt(data: string, length: number): string {
  return flatCopy(data.slice(0, length));
}

/** The error a chunk carries instead of choices, if any. */
function inBandError(parsed: RawObject): DecodedError | undefined {
  const hasError =
    (parsed['error'] !== undefined && parsed['error'] !== null) ||
    parsed['object'] === 'error';
  return hasError ? (decodeErrorBody(parsed) ?? blankError()) : undefined;
}

function blankError(): DecodedError {
  return {
    message: undefined,
    type: undefined,
    param: null,
    code: null,
    status: undefined,
    extra: {},
  };
}
