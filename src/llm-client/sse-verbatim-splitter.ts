import { isAscii, isUtf8 } from 'node:buffer';
import type {
  TextRunRule,
  VerbatimFramesRule,
} from './decoder/verbatim-chunk.js';

/** Where a VerbatimSplitter sends what it reads. */
export interface SplitEvents {
  /** Consecutive events the rule forwards as written: their bytes, blank lines included. */
  frames(bytes: Uint8Array, count: number): void;
  /**
   * The payload of a `data: ` event the rule did not accept (one line, no
   * `data: `): its bytes, or its text when the whole read was ASCII.
   */
  payload(data: Uint8Array | string): void;
  /**
   * The texts `textOf` read from consecutive `data: ` events of one
   * all-ASCII read (see VerbatimSplitter's `textOf`), in order.
   */
  texts(texts: string[]): void;
  /** Any other complete event, as SSE text ending in its blank line. */
  event(bytes: Uint8Array): void;
  /**
   * The stream left the canonical form (a CR, a leading BOM): all of it
   * from here on; `atStart` when that is the whole stream.
   */
  rest(bytes: Uint8Array, atStart: boolean): void;
  /** The unfinished event outgrew the size limit. */
  tooLarge(): void;
}

const BOM_FIRST_BYTE = 0xef;
const CR = 0x0d;
const LF = 0x0a;
const EVENT_END = '\n\n';
const DATA_PREFIX = 'data: ';

/**
 * Splits an SSE body into events on its bytes; each is then decoded on its
 * own (TextDecoder's streaming mode costs four times its one-shot mode).
 * For a stream read by a shortcut with a VerbatimFramesRule, runs of events
 * the rule accepts go out as the bytes they came in (less what it cuts:
 * OpenAI's `"usage":null`), never decoded to text nor encoded back, which
 * was most of what a pass-through spent per chunk.
 *
 * It handles the canonical form that OpenAI-compatible servers write: LF
 * line ends, each event one `data: ` line and a blank line. Every other
 * event is handed on whole, as text the general SSE parser reads as it
 * would have read it in the stream; at the first CR, or a BOM at the
 * start, the rest of the stream goes to the general parser as it comes.
 */
export class VerbatimSplitter {
  /** The unfinished event's reads, joined only once a read completes it. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private canonical = true;
  private started = false;

  constructor(
    private readonly sink: SplitEvents,
    /** Without one, no event is forwarded as bytes: each is handed on. */
    private readonly verdict?: VerbatimFramesRule<unknown>['verdict'],
    private readonly maxEventBytes = Infinity,
    /**
     * Reads a payload of an all-ASCII read as a text, or not (undefined):
     * the texts of consecutive events it reads go on together (`texts`),
     * the other events as they would without it. For a splitter without
     * a verdict.
     */
    private readonly textOf?: TextRunRule<unknown>['text'],
  ) {}

  feed(bytes: Uint8Array): void {
    if (!this.canonical) {
      this.sink.rest(bytes, false);
      return;
    }
    const fresh = asBuffer(bytes);
    if (fresh.length === 0) {
      return;
    }
    const atStart = !this.started;
    if ((atStart && fresh[0] === BOM_FIRST_BYTE) || fresh.includes(CR)) {
      this.leave(fresh, atStart);
      return;
    }
    this.started = true;
    // A long event comes in many reads: only the new bytes are searched
    // for its end, and its reads are joined once, when it is complete.
    const buffer = this.pendingBytes > 0 ? this.completePending(fresh) : fresh;
    if (buffer === undefined || buffer.length === 0) {
      return;
    }
    const end = this.splitEvents(buffer);
    if (end < buffer.length) {
      this.hold(buffer.subarray(end));
    }
  }

  /** The end of the body: an unfinished event goes where the general parser drops it. */
  end(): void {
    if (this.pendingBytes > 0) {
      this.leave(Buffer.alloc(0), false);
    }
  }

  /** The rest of the stream, from the unfinished event on, goes to the general parser. */
  private leave(fresh: Buffer, atStart: boolean): void {
    this.canonical = false;
    this.sink.rest(this.takePending(fresh), atStart);
  }

  /**
   * Hands on the unfinished event if `fresh` completes it, and returns the
   * rest of `fresh`; else holds `fresh` too and returns undefined. Only the
   * event's own bytes are joined: a read of many events that completes the
   * last one of the read before is not copied whole.
   */
  private completePending(fresh: Buffer): Buffer | undefined {
    const eventEnd = this.pendingEventEnd(fresh);
    if (eventEnd === undefined) {
      this.hold(fresh);
      return undefined;
    }
    // The joined bytes end in the event's blank line, the first one in
    // them (the held bytes hold none): all of them are split.
    this.splitEvents(this.takePending(fresh.subarray(0, eventEnd)));
    return fresh.subarray(eventEnd);
  }

  /** Where in `fresh` the unfinished event's blank line ends, if it does. */
  private pendingEventEnd(fresh: Buffer): number | undefined {
    const last = this.pending.at(-1)!;
    if (last[last.length - 1] === LF && fresh[0] === LF) {
      return 1;
    }
    const at = fresh.indexOf(EVENT_END);
    return at < 0 ? undefined : at + EVENT_END.length;
  }

  private hold(bytes: Buffer): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes > this.maxEventBytes) {
      this.pending = [];
      this.pendingBytes = 0;
      this.sink.tooLarge();
    }
  }

  private takePending(fresh: Buffer): Buffer {
    if (this.pendingBytes === 0) {
      return fresh;
    }
    const joined = Buffer.concat([...this.pending, fresh]);
    this.pending = [];
    this.pendingBytes = 0;
    return joined;
  }

  /** Hands on every complete event of `buffer`; returns where the unfinished one starts. */
  private splitEvents(buffer: Buffer): number {
    // One string of the read, one character per byte: the searches below
    // are string operations V8 compiles, not a call into C++ per event.
    const text = buffer.toString('latin1');
    // Read as Latin-1, ASCII is its own UTF-8 decoding: such a read's
    // payloads go on as slices of `text`, not decoded a second time.
    const ascii = isAscii(buffer);
    // Bytes that are not UTF-8 are decoded (to U+FFFD) as any other reader
    // would, never forwarded as they came.
    const verdict =
      this.verdict &&
      (ascii || isUtf8(buffer.subarray(0, text.lastIndexOf(EVENT_END) + 2)))
        ? this.verdict
        : undefined;
    const run = new FramesRun(buffer, this.sink);
    // Only an ASCII read's payloads are their own text (see `ascii`).
    const textOf = ascii ? this.textOf : undefined;
    let texts: string[] = [];
    let start = 0;
    for (
      let end = text.indexOf(EVENT_END, start);
      end >= 0;
      end = text.indexOf(EVENT_END, start)
    ) {
      const oneDataLine = isOneDataLine(text, start, end);
      if (oneDataLine && textOf !== undefined) {
        const read = textOf(text.slice(start + DATA_PREFIX.length, end));
        if (read !== undefined) {
          texts.push(read);
          start = end + 2;
          continue;
        }
      }
      if (texts.length > 0) {
        this.sink.texts(texts);
        texts = [];
      }
      const judged =
        oneDataLine &&
        verdict !== undefined &&
        verdict(text.slice(start + DATA_PREFIX.length, end));
      if (judged === false) {
        run.flush(start);
        if (oneDataLine) {
          const from = start + DATA_PREFIX.length;
          this.sink.payload(
            ascii ? text.slice(from, end) : buffer.subarray(from, end),
          );
        } else {
          this.sink.event(buffer.subarray(start, end + 2));
        }
      } else {
        run.add(start, judged === true ? undefined : judged);
      }
      start = end + 2;
    }
    if (texts.length > 0) {
      this.sink.texts(texts);
    }
    run.flush(start);
    return start;
  }
}

/** Consecutive forwarded events of one buffer, less the bytes their verdicts cut. */
class FramesRun {
  private from = -1;
  private count = 0;
  private pieces: Buffer[] = [];

  constructor(
    private readonly buffer: Buffer,
    private readonly sink: SplitEvents,
  ) {}

  /** The event at `start` joins the run; `cut` is a range of its payload left out. */
  add(start: number, cut: readonly [number, number] | undefined): void {
    this.from = this.count === 0 ? start : this.from;
    this.count++;
    if (cut !== undefined) {
      const payload = start + DATA_PREFIX.length;
      this.pieces.push(this.buffer.subarray(this.from, payload + cut[0]));
      this.from = payload + cut[1];
    }
  }

  /** Hands the run on, ending where the event at `end` starts. */
  flush(end: number): void {
    if (this.count === 0) {
      return;
    }
    const last = this.buffer.subarray(this.from, end);
    const bytes =
      this.pieces.length === 0 ? last : Buffer.concat([...this.pieces, last]);
    this.sink.frames(bytes, this.count);
    this.count = 0;
    this.pieces = [];
  }
}

/** `data: ` and the rest of one line, from `start` to `end`. */
function isOneDataLine(text: string, start: number, end: number): boolean {
  return (
    end > start + DATA_PREFIX.length &&
    text.startsWith(DATA_PREFIX, start) &&
    text.indexOf('\n', start) === end
  );
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
