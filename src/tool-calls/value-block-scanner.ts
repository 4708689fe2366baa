import { BalancedValueScanner } from './balanced-value-scanner.js';
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
  const closeMarkers = spec.closeMarkers ?? [];
  const leading = spec.leadingMarkers ?? [];
  const verdict = new VerdictTracker(
    spec.viable === undefined
      ? undefined
      : (head) => spec.viable?.(head, ctx) ?? 'yes',
  );
  let phase: 'marker' | 'value-start' | 'value' | 'after' = 'marker';
  let buf = '';
  let pos = 0; // block offset of buf[0]
  let lastValueEnd = 0;
  let value = '';
  let scanner = new BalancedValueScanner(spec.quotes ?? '"');
  const values: string[] = [];
  const drop = (n: number) => {
    buf = buf.slice(n);
    pos += n;
  };
  const finish = (length: number): BlockScan =>
    closedWith(length, spec.parseValues(values, ctx));

  return {
    feed(text, atEnd) {
      buf += text;
      let fresh = text;
      if (phase === 'marker') {
        const marker = matchMarkerAt(buf, spec.startMarkers);
        if (marker !== undefined) {
          drop(marker.length);
        } else if (matchMarkerAt(buf, leading) === undefined) {
          return !atEnd &&
            couldBecomeMarker(buf, [...spec.startMarkers, ...leading])
            ? openScan()
            : INVALID;
        }
        fresh = buf;
        phase = 'value-start';
      }
      if (!verdict.add(fresh)) {
        return INVALID;
      }
      for (;;) {
        if (phase === 'value-start') {
          const p = skipWhitespace(buf, 0);
          if (p === buf.length) {
            return atEnd ? INVALID : openScan();
          }
          if (buf[p] !== '{' && buf[p] !== '[') {
            return INVALID;
          }
          drop(p);
          scanner = new BalancedValueScanner(spec.quotes ?? '"');
          value = '';
          phase = 'value';
        }
        if (phase === 'value') {
          const end = scanner.consume(buf);
          if (end < 0) {
            value += buf;
            drop(buf.length);
            return atEnd ? INVALID : openScan();
          }
          values.push(value + buf.slice(0, end));
          drop(end);
          lastValueEnd = pos;
          phase = 'after';
        }
        const p = skipWhitespace(buf, 0);
        if (p === buf.length) {
          return atEnd ? finish(lastValueEnd) : openScan();
        }
        if (spec.separator !== undefined && buf.startsWith(spec.separator, p)) {
          drop(p + spec.separator.length);
          phase = 'value-start';
          continue;
        }
        const close = matchMarkerAt(buf, closeMarkers, p);
        if (close !== undefined) {
          return finish(pos + p + close.length);
        }
        if (!atEnd && couldBecomeMarker(buf, closeMarkers, p)) {
          return openScan();
        }
        return spec.closeRequired === true ? INVALID : finish(lastValueEnd);
      }
    },
  };
}
