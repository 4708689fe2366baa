import { normalizeArguments } from './json-call.util.js';
import {
  couldBecomeMarker,
  findEarliest,
  matchMarkerAt,
  tryParseJson,
} from './text-scan.util.js';
import type {
  BlockEvent,
  BlockScan,
  BlockScanner,
  ParseContext,
  ParsedToolCall,
  ToolCallFamily,
} from './tool-call.types.js';
import { lastOf } from '../common/arrays/last-of.js';

/**
 * Early verdict on the start of a block body: 'yes' once it clearly is this
 * format, 'no' as soon as it cannot be (prose), 'maybe' while undecided. A
 * 'no' must be final: no continuation of that text may be valid.
 */
export type Viability = 'yes' | 'no' | 'maybe';

/** Verdict for a body that must start (after whitespace) with one of `prefixes`. */
export function startsWithOneOf(
  body: string,
  prefixes: readonly string[],
): Viability {
  const text = body.trimStart();
  if (text === '') {
    return 'maybe';
  }
  if (prefixes.some((p) => text.startsWith(p))) {
    return 'yes';
  }
  return prefixes.some((p) => p.startsWith(text)) ? 'maybe' : 'no';
}

/** Body prefix length after which an undecided verdict lets the parser decide. */
const VERDICT_WINDOW = 512;

/** The scan result for text that is not a block of this family. */
export const INVALID: BlockScan = { status: 'invalid' };

/** An open result with the given events and nothing consumed. */
export function openScan(
  events: readonly BlockEvent[] = [],
  consumed = 0,
): BlockScan {
  return { status: 'open', events, consumed };
}

/** Events of complete calls. */
export function callEvents(calls: readonly ParsedToolCall[]): BlockEvent[] {
  return calls.flatMap((c): BlockEvent[] => [
    { kind: 'call_start', name: c.name },
    { kind: 'call_arguments', delta: c.arguments },
    { kind: 'call_end' },
  ]);
}

/** A closed scan with the calls, or invalid when there are none. */
export function closedWith(
  length: number,
  calls: readonly ParsedToolCall[] | null,
): BlockScan {
  return calls === null || calls.length === 0 || length <= 0
    ? INVALID
    : { status: 'closed', length, events: callEvents(calls) };
}

/** Keeps the first VERDICT_WINDOW chars of a body and the latest verdict on them. */
export class VerdictTracker {
  private head = '';
  private verdict: Viability = 'maybe';

  constructor(private readonly check?: (head: string) => Viability) {}

  /** Adds body text; false once the body can no longer be valid. */
  add(text: string): boolean {
    if (this.check === undefined || this.verdict === 'yes') {
      return true;
    }
    this.head += text.slice(0, VERDICT_WINDOW - this.head.length);
    this.verdict = this.check(this.head);
    if (this.verdict === 'maybe' && this.head.length >= VERDICT_WINDOW) {
      this.verdict = 'yes';
    }
    return this.verdict !== 'no';
  }
}

/** A block from a start marker to an end marker (or end of message). */
export interface DelimitedBlockSpec {
  readonly startMarkers: readonly string[];
  readonly endMarkers: readonly string[];
  viable(body: string, ctx: ParseContext): Viability;
  /** Parses the text between the markers. */
  parseBody(body: string, ctx: ParseContext): ParsedToolCall[] | null;
}

/**
 * Scanner for delimited blocks that are parsed whole once the end marker
 * arrives. An unterminated block is still parsed at the end of the message
 * (models often stop right before the closing tag).
 */
export function delimitedBlockScanner(
  spec: DelimitedBlockSpec,
  ctx: ParseContext,
): BlockScanner {
  const keep = Math.max(0, ...spec.endMarkers.map((m) => m.length - 1));
  const verdict = new VerdictTracker((head) => spec.viable(head, ctx));
  let markerBuf = '';
  let markerLength = -1;
  let body = '';
  let tail = '';
  return {
    feed(text, atEnd) {
      let piece = text;
      if (markerLength < 0) {
        markerBuf += text;
        const marker = matchMarkerAt(markerBuf, spec.startMarkers);
        if (marker === undefined) {
          return !atEnd && couldBecomeMarker(markerBuf, spec.startMarkers)
            ? openScan()
            : INVALID;
        }
        markerLength = marker.length;
        piece = markerBuf.slice(marker.length);
      }
      // Look for the end marker across the previous piece's tail.
      const window = tail + piece;
      const end = findEarliest(window, spec.endMarkers);
      const before = body.length - tail.length;
      body += piece;
      if (end !== undefined) {
        const bodyEnd = before + end.index;
        return closedWith(
          markerLength + bodyEnd + end.marker.length,
          spec.parseBody(body.slice(0, bodyEnd), ctx),
        );
      }
      if (!verdict.add(piece)) {
        return INVALID;
      }
      if (atEnd) {
        return closedWith(
          markerLength + body.length,
          spec.parseBody(body, ctx),
        );
      }
      tail = window.slice(Math.max(0, window.length - keep));
      return openScan();
    },
  };
}

/** Picks a scanner by the marker the block starts with. */
export function dispatchScanner(
  routes: ReadonlyArray<{
    readonly markers: readonly string[];
    readonly create: () => BlockScanner;
  }>,
): BlockScanner {
  let chosen: BlockScanner | undefined;
  let head = '';
  const all = routes.flatMap((r) => r.markers);
  return {
    feed(text, atEnd) {
      if (chosen !== undefined) {
        return chosen.feed(text, atEnd);
      }
      head += text;
      let bestLength = -1;
      for (const route of routes) {
        const marker = matchMarkerAt(head, route.markers);
        if (marker !== undefined && marker.length > bestLength) {
          bestLength = marker.length;
          chosen = route.create();
        }
      }
      if (chosen === undefined) {
        return !atEnd && couldBecomeMarker(head, all) ? openScan() : INVALID;
      }
      return chosen.feed(head, atEnd);
    },
  };
}

/** Folds block events into calls (arguments as emitted). */
function callsFromEvents(events: readonly BlockEvent[]): ParsedToolCall[] {
  const calls: Array<{ name: string; arguments: string }> = [];
  for (const e of events) {
    if (e.kind === 'call_start') {
      calls.push({ name: e.name, arguments: '' });
    } else if (e.kind === 'call_arguments') {
      const last = lastOf(calls);
      if (last !== undefined) {
        last.arguments += e.delta;
      }
    }
  }
  return calls;
}

/**
 * `parseBlock` in terms of a scanner: the whole block must be consumed (bar
 * trailing whitespace) and yield at least one call with JSON object arguments.
 */
function parseWholeBlock(
  scanner: BlockScanner,
  block: string,
): ParsedToolCall[] | null {
  const result = scanner.feed(block, true);
  if (result.status !== 'closed' || block.slice(result.length).trim() !== '') {
    return null;
  }
  const calls: ParsedToolCall[] = [];
  for (const call of callsFromEvents(result.events)) {
    const parsed = tryParseJson(call.arguments);
    const args = parsed === undefined ? null : normalizeArguments(parsed);
    if (args === null) {
      return null;
    }
    calls.push({ name: call.name, arguments: args });
  }
  return calls.length > 0 ? calls : null;
}

/** Builds a family from its data and scanner; `parseBlock` derives from the scanner. */
export function defineFamily(
  def: Omit<ToolCallFamily, 'parseBlock'>,
): ToolCallFamily {
  return {
    ...def,
    parseBlock: (block, ctx) => parseWholeBlock(def.createScanner(ctx), block),
  };
}
