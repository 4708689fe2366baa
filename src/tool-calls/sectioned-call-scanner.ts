import { isRecord } from '../common/is-record.js';
import { INVALID, openScan } from './block-scanners.js';
import { SteppedBlockScanner } from './buffered-block-scanner.js';
import { normalizeArguments } from './json-call.util.js';
import { ArgumentStreamer } from './argument-streamer.js';
import {
  couldBecomeMarker,
  matchMarkerAt,
  skipWhitespace,
  tryParseJson,
} from './text-scan.util.js';
import type {
  BlockScan,
  BlockScanner,
  ParseContext,
  ParsedToolCall,
} from './tool-call.types.js';

/**
 * A section of calls, each `CALL_BEGIN header ARG_SEP {json} CALL_END`, as
 * written by DeepSeek and Kimi K2. The calls stream: the call starts as soon
 * as its header names a declared tool, and its arguments follow as they come.
 */
export interface SectionedCallSpec {
  /** Section openers (a bare CALL_BEGIN may be listed too). */
  readonly startMarkers: readonly string[];
  readonly sectionEnd: readonly string[];
  readonly callBegin: string;
  readonly argSep: string;
  readonly callEnd: string;
  /** The tool name in a call header. */
  nameFromHeader(header: string): string;
  /**
   * DeepSeek V3/R1: the header is `function` and the name plus a
   * ```` ```json ```` fence follow the separator.
   */
  readonly fencedLegacy?: boolean;
}

/** A header longer than this is not a call header. */
const MAX_HEADER_CHARS = 256;

/** Parses the legacy DeepSeek body `NAME\n```json\n{…}\n````. */
function parseFencedBody(
  body: string,
  ctx: ParseContext,
): ParsedToolCall | null {
  const match =
    /^\s*([^\s`]+)\s*(?:```(?:json)?\s*([\s\S]*?)\s*```|([\s\S]*))\s*$/.exec(
      body,
    );
  const name = match?.[1];
  if (match === null || name === undefined || !ctx.tools.has(name)) {
    return null;
  }
  const json = tryParseJson((match[2] ?? match[3] ?? '').trim());
  const args = isRecord(json) ? normalizeArguments(json) : null;
  return args === null ? null : { name, arguments: args };
}

/** Creates the streaming scanner for one section. */
export function sectionedCallScanner(
  spec: SectionedCallSpec,
  ctx: ParseContext,
): BlockScanner {
  return new SectionedCallScanner(spec, ctx);
}

type SectionState = 'marker' | 'between' | 'header' | 'args' | 'legacy';

/**
 * Reads the section state by state; each state's reader either answers
 * the feed (a BlockScan) or moves on to the next state (undefined).
 */
class SectionedCallScanner extends SteppedBlockScanner {
  private state: SectionState = 'marker';
  private calls = 0;
  /** Block offset of the current call's CALL_BEGIN. */
  private callStart = 0;
  private args: ArgumentStreamer;
  /** What may follow a call: the next call, or the section's end. */
  private readonly followers: readonly string[];
  /** This feed's events and end flag. */

  constructor(
    private readonly spec: SectionedCallSpec,
    private readonly ctx: ParseContext,
  ) {
    super();
    this.args = new ArgumentStreamer(spec.callEnd);
    this.followers = [spec.callBegin, ...spec.sectionEnd];
  }

  protected step(): BlockScan | undefined {
    switch (this.state) {
      case 'marker':
        return this.readMarker();
      case 'between':
        return this.readBetweenCalls();
      case 'header':
        return this.readHeader();
      case 'args':
        return this.readArguments();
      case 'legacy':
        return this.readFencedCall();
    }
  }

  private closed(length: number): BlockScan {
    return this.calls === 0 || length <= 0
      ? INVALID
      : { status: 'closed', length, events: this.events };
  }

  /** A bad call after good ones ends the block before it (it becomes text). */
  private giveUp(): BlockScan {
    return this.closed(this.callStart);
  }

  private readMarker(): BlockScan | undefined {
    const { startMarkers, callBegin } = this.spec;
    const marker = matchMarkerAt(this.buf, startMarkers);
    if (marker === undefined) {
      return !this.atEnd && couldBecomeMarker(this.buf, startMarkers)
        ? openScan()
        : INVALID;
    }
    this.drop(marker === callBegin ? 0 : marker.length);
    this.state = 'between';
    return undefined;
  }

  private readBetweenCalls(): BlockScan | undefined {
    const buf = this.buf;
    const p = skipWhitespace(buf, 0);
    if (buf.startsWith(this.spec.callBegin, p)) {
      this.callStart = this.pos + p;
      this.drop(p + this.spec.callBegin.length);
      this.state = 'header';
      return undefined;
    }
    const end = matchMarkerAt(buf, this.spec.sectionEnd, p);
    if (end !== undefined) {
      return this.closed(this.pos + p + end.length);
    }
    if (
      !this.atEnd &&
      (p === buf.length || couldBecomeMarker(buf, this.followers, p))
    ) {
      return openScan(this.events, this.pos);
    }
    // Anything else after the calls ends the section.
    return this.closed(this.pos);
  }

  private readHeader(): BlockScan | undefined {
    const buf = this.buf;
    const sep = buf.indexOf(this.spec.argSep);
    if (sep < 0) {
      if (this.atEnd || buf.length > MAX_HEADER_CHARS) {
        return this.giveUp();
      }
      return openScan(this.events, this.callStart);
    }
    const header = buf.slice(0, sep).trim();
    const bodyStart = sep + this.spec.argSep.length;
    if (this.spec.fencedLegacy === true && header === 'function') {
      const p = skipWhitespace(buf, bodyStart);
      if (p === buf.length && !this.atEnd) {
        return openScan(this.events, this.callStart);
      }
      if (buf[p] !== '{') {
        this.drop(bodyStart);
        this.state = 'legacy';
        return undefined;
      }
    }
    const name = this.spec.nameFromHeader(header);
    if (!this.ctx.tools.has(name)) {
      return this.giveUp();
    }
    this.calls++;
    this.events.push({ kind: 'call_start', name });
    this.drop(bodyStart);
    this.args = new ArgumentStreamer(this.spec.callEnd);
    this.state = 'args';
    return undefined;
  }

  private readArguments(): BlockScan | undefined {
    const step = this.args.read(this.buf, this.atEnd);
    if (step.delta !== '') {
      this.events.push({ kind: 'call_arguments', delta: step.delta });
    }
    this.drop(step.used);
    if (step.endLength < 0 && !this.atEnd) {
      return openScan(this.events, this.pos);
    }
    this.events.push({ kind: 'call_end' });
    this.drop(Math.max(step.endLength, 0));
    if (step.endLength < 0) {
      return this.closed(this.pos + this.buf.length);
    }
    this.state = 'between';
    return undefined;
  }

  private readFencedCall(): BlockScan | undefined {
    const end = this.buf.indexOf(this.spec.callEnd);
    if (end < 0 && !this.atEnd) {
      return openScan(this.events, this.callStart);
    }
    const call = parseFencedBody(
      end < 0 ? this.buf : this.buf.slice(0, end),
      this.ctx,
    );
    if (call === null) {
      return this.giveUp();
    }
    this.calls++;
    this.events.push(
      { kind: 'call_start', name: call.name },
      { kind: 'call_arguments', delta: call.arguments },
      { kind: 'call_end' },
    );
    if (end < 0) {
      return this.closed(this.pos + this.buf.length);
    }
    this.drop(end + this.spec.callEnd.length);
    this.state = 'between';
    return undefined;
  }
}
