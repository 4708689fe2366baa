import { BalancedValueScanner } from './balanced-value-scanner.js';
import { SteppedBlockScanner } from './buffered-block-scanner.js';
import {
  closedWith,
  INVALID,
  openScan,
  VerdictTracker,
  type Viability,
} from './block-scanners.js';
import {
  couldBecomeMarker,
  matchMarkerAt,
  skipWhitespace,
} from './text-scan.util.js';
import type {
  BlockScan,
  BlockScanner,
  ParseContext,
  ParsedToolCall,
} from './tool-call.types.js';

/** A block made of bracketed values (JSON or Python lists) after a marker. */
export interface ValueBlockSpec {
  /** Markers consumed before the first value. */
  readonly startMarkers: readonly string[];
  /** Markers that are the value's own first char (e.g. a leading `{`). */
  readonly leadingMarkers?: readonly string[];
  /** String quote chars inside values (default `"`). */
  readonly quotes?: string;
  /** Separator between several values (Llama 3 `; `). */
  readonly separator?: string;
  /** Closing tags consumed after the last value. */
  readonly closeMarkers?: readonly string[];
  /** Mid-stream the closing tag must follow the value (tolerated missing at end of message). */
  readonly closeRequired?: boolean;
  viable?(body: string, ctx: ParseContext): Viability;
  parseValues(
    values: readonly string[],
    ctx: ParseContext,
  ): ParsedToolCall[] | null;
}

/**
 * Scanner for blocks whose extent is given by bracket balance, so the block
 * ends as soon as the value closes (plus an optional closing tag).
 */
export function valueBlockScanner(
  spec: ValueBlockSpec,
  ctx: ParseContext,
): BlockScanner {
  return new ValueBlockScanner(spec, ctx);
}

type ValuePhase = 'marker' | 'value-start' | 'value' | 'after';

/**
 * Reads the values phase by phase; each phase's reader either answers the
 * feed (a BlockScan) or moves on to the next phase (undefined).
 */
class ValueBlockScanner extends SteppedBlockScanner {
  private readonly closeMarkers: readonly string[];
  private readonly leading: readonly string[];
  private readonly verdict: VerdictTracker;
  private phase: ValuePhase = 'marker';
  /** Block offset just past the last complete value. */
  private lastValueEnd = 0;
  /** The value being read, up to the start of `buf`. */
  private value = '';
  private scanner: BalancedValueScanner;
  private readonly values: string[] = [];

  constructor(
    private readonly spec: ValueBlockSpec,
    private readonly ctx: ParseContext,
  ) {
    super();
    this.closeMarkers = spec.closeMarkers ?? [];
    this.leading = spec.leadingMarkers ?? [];
    this.verdict = new VerdictTracker(
      spec.viable === undefined
        ? undefined
        : (head) => spec.viable?.(head, ctx) ?? 'yes',
    );
    this.scanner = new BalancedValueScanner(spec.quotes ?? '"');
  }

  protected override scan(fresh: string, atEnd: boolean): BlockScan {
    this.atEnd = atEnd;
    // Past the marker every new char is body, for the verdict to judge.
    if (this.phase !== 'marker' && !this.verdict.add(fresh)) {
      return INVALID;
    }
    return this.stepUntilScan();
  }

  protected step(): BlockScan | undefined {
    switch (this.phase) {
      case 'marker':
        return this.readMarker();
      case 'value-start':
        return this.readValueStart();
      case 'value':
        return this.readValue();
      case 'after':
        return this.readAfterValue();
    }
  }

  private finish(length: number): BlockScan {
    return closedWith(length, this.spec.parseValues(this.values, this.ctx));
  }

  /** A start marker is consumed; a leading one is the value's own first char. */
  private readMarker(): BlockScan | undefined {
    const marker = matchMarkerAt(this.buf, this.spec.startMarkers);
    if (marker !== undefined) {
      this.drop(marker.length);
    } else if (matchMarkerAt(this.buf, this.leading) === undefined) {
      return !this.atEnd &&
        couldBecomeMarker(this.buf, [
          ...this.spec.startMarkers,
          ...this.leading,
        ])
        ? openScan()
        : INVALID;
    }
    this.phase = 'value-start';
    // The verdict's first look at the body: whatever followed the marker.
    return this.verdict.add(this.buf) ? undefined : INVALID;
  }

  private readValueStart(): BlockScan | undefined {
    const p = skipWhitespace(this.buf, 0);
    if (p === this.buf.length) {
      return this.atEnd ? INVALID : openScan();
    }
    if (this.buf[p] !== '{' && this.buf[p] !== '[') {
      return INVALID;
    }
    this.drop(p);
    this.scanner = new BalancedValueScanner(this.spec.quotes ?? '"');
    this.value = '';
    this.phase = 'value';
    return undefined;
  }

  private readValue(): BlockScan | undefined {
    const end = this.scanner.consume(this.buf);
    if (end < 0) {
      this.value += this.buf;
      this.drop(this.buf.length);
      return this.atEnd ? INVALID : openScan();
    }
    this.values.push(this.value + this.buf.slice(0, end));
    this.drop(end);
    this.lastValueEnd = this.pos;
    this.phase = 'after';
    return undefined;
  }

  /** After a value: a separator and the next value, a closing tag, or the end. */
  private readAfterValue(): BlockScan | undefined {
    const { separator, closeRequired } = this.spec;
    const p = skipWhitespace(this.buf, 0);
    if (p === this.buf.length) {
      return this.atEnd ? this.finish(this.lastValueEnd) : openScan();
    }
    if (separator !== undefined && this.buf.startsWith(separator, p)) {
      this.drop(p + separator.length);
      this.phase = 'value-start';
      return undefined;
    }
    const close = matchMarkerAt(this.buf, this.closeMarkers, p);
    if (close !== undefined) {
      return this.finish(this.pos + p + close.length);
    }
    if (!this.atEnd && couldBecomeMarker(this.buf, this.closeMarkers, p)) {
      return openScan();
    }
    return closeRequired === true ? INVALID : this.finish(this.lastValueEnd);
  }
}
