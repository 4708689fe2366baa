import { BlockRace } from './block-race.js';
import { familiesAt } from './family-detection.js';
import type { ParserEvent } from './parser-events.js';
import { ParserOutput, type BlockCalls } from './parser-output.js';
import {
  DEFAULT_MAX_BUFFER_CHARS,
  parserMarkersOf,
  type StreamingToolCallParserOptions,
} from './streaming-parser-options.js';
import {
  couldBecomeMarker,
  findEarliest,
  longestPartialSuffix,
  matchMarkerAt,
  skipWhitespace,
} from './text-scan.util.js';
import type {
  ParseContext,
  ReasoningTags,
  ToolCallFamily,
} from './tool-call.types.js';

interface BlockMode extends BlockCalls {
  readonly kind: 'block';
  readonly race: BlockRace;
}

type Mode =
  | { readonly kind: 'text' }
  | { readonly kind: 'reasoning'; readonly closes: readonly string[] }
  | BlockMode;

const TEXT_MODE: Mode = { kind: 'text' };

/**
 * Streaming extraction of text tool calls and reasoning from assistant
 * content deltas.
 *
 * - Plain text passes through at once, except the shortest possible hold-back:
 *   the longest suffix that could still become a marker.
 * - From a start marker on, the block is buffered until its family's scanner
 *   closes it; calls are then emitted (families whose name precedes JSON
 *   arguments stream the arguments while they arrive). If the block is not a
 *   call after all (prose, undeclared tool, malformed), its marker is
 *   released as text and the rest is read again, so nothing is lost.
 * - A block undecided after `maxBufferChars` is released as text.
 * - Reasoning tags (`<think>` and the family's own) are recognised at the
 *   start of the message or right after a tool-call block (after
 *   whitespace), so prose that mentions `<think>` stays text.
 */
export class StreamingToolCallParser {
  private readonly families: readonly ToolCallFamily[];
  private readonly reasoningTags: readonly ReasoningTags[];
  private readonly reasoningOpens: readonly string[];
  private readonly toolMarkers: readonly string[];
  private readonly leadingToolMarkers: readonly string[];
  private readonly maxBufferChars: number;
  private readonly output = new ParserOutput();
  private pending = '';
  private mode: Mode = TEXT_MODE;
  private ended = false;

  /**
   * @param families one family or candidates in priority order (see `resolveToolCallFamilies`)
   * @param ctx the declared tools; without tools only reasoning is split out
   */
  constructor(
    families: ToolCallFamily | readonly ToolCallFamily[],
    private readonly ctx: ParseContext,
    options: StreamingToolCallParserOptions = {},
  ) {
    const markers = parserMarkersOf(families, ctx.tools.size > 0, options);
    this.families = markers.families;
    this.reasoningTags = markers.reasoningTags;
    this.reasoningOpens = markers.reasoningOpens;
    this.toolMarkers = markers.toolMarkers;
    this.leadingToolMarkers = markers.leadingToolMarkers;
    this.maxBufferChars = options.maxBufferChars ?? DEFAULT_MAX_BUFFER_CHARS;
    if (options.startInReasoning === true && this.reasoningTags.length > 0) {
      this.mode = { kind: 'reasoning', closes: markers.reasoningCloses };
    }
  }

  /** Consumes one content delta and returns the events it completes. */
  push(delta: string): ParserEvent[] {
    if (this.ended) {
      throw new Error('StreamingToolCallParser: push() after end()');
    }
    if (this.mode.kind === 'block') {
      this.feedBlock(this.mode, delta, false);
    } else {
      this.pending += delta;
    }
    this.process(false);
    return this.output.take();
  }

  /** Ends the message: everything still held is resolved and emitted. */
  end(): ParserEvent[] {
    if (this.ended) {
      return [];
    }
    if (this.mode.kind === 'block') {
      this.feedBlock(this.mode, '', true);
    }
    this.process(true);
    this.ended = true;
    return this.output.take();
  }

  private process(atEnd: boolean): void {
    for (;;) {
      const mode = this.mode;
      // Block input is fed as it arrives (feedBlock), so a block waits here.
      const progressed =
        mode.kind === 'text'
          ? this.stepText(atEnd)
          : mode.kind === 'reasoning' && this.stepReasoning(mode.closes, atEnd);
      if (!progressed) {
        return;
      }
    }
  }

  /**
   * Markers that only count at the first non-space char: reasoning open tags
   * (at the message start or right after a call block) and the families'
   * leading markers such as `{` or `[` (at the message start only).
   */
  private leadingMarkersNow(): readonly string[] {
    const reasoning = this.output.sawTextSinceBlock ? [] : this.reasoningOpens;
    const tools = this.output.sawText ? [] : this.leadingToolMarkers;
    return [...reasoning, ...tools];
  }

  /** Text mode: pass text through up to the next marker. */
  private stepText(atEnd: boolean): boolean {
    const text = this.pending;
    if (text === '') {
      return false;
    }
    const leading = this.leadingMarkersNow();
    const first = leading.length > 0 ? skipWhitespace(text, 0) : -1;
    const leadingAt =
      first >= 0 && matchMarkerAt(text, leading, first) !== undefined
        ? first
        : -1;
    const anywhereAt = findEarliest(text, this.toolMarkers)?.index ?? -1;
    const isLeading =
      leadingAt >= 0 && (anywhereAt < 0 || leadingAt <= anywhereAt);
    const at = isLeading ? leadingAt : anywhereAt;
    if (at < 0) {
      this.releaseText(text, leading, first, atEnd);
      return false;
    }
    this.output.text(text.slice(0, at));
    this.pending = text.slice(at);
    return this.enterMarker(
      isLeading ? [...this.toolMarkers, ...leading] : this.toolMarkers,
      isLeading,
      atEnd,
    );
  }

  /**
   * `text` holds no marker: it goes out, all but what could still become
   * one (a partial marker at its end, or a leading one from `first` on).
   */
  private releaseText(
    text: string,
    leading: readonly string[],
    first: number,
    atEnd: boolean,
  ): void {
    let hold = atEnd ? 0 : longestPartialSuffix(text, this.toolMarkers);
    if (!atEnd && first >= 0 && couldBecomeMarker(text, leading, first)) {
      hold = Math.max(hold, text.length - first);
    }
    this.output.text(text.slice(0, text.length - hold));
    this.pending = text.slice(text.length - hold);
  }

  /**
   * `pending` starts with one of `markersHere`: a reasoning block (a leading
   * open tag) or a tool-call block starts. False while a longer marker may
   * still match.
   */
  private enterMarker(
    markersHere: readonly string[],
    isLeading: boolean,
    atEnd: boolean,
  ): boolean {
    const rest = this.pending;
    if (!atEnd && couldBecomeMarker(rest, markersHere)) {
      // A longer marker may still match here (`[` vs `[TOOL_CALLS]`).
      return false;
    }
    const marker = matchMarkerAt(rest, markersHere) ?? '';
    const reasoning = isLeading
      ? this.reasoningTags.find((t) => t.open === marker)
      : undefined;
    if (reasoning !== undefined) {
      this.pending = rest.slice(marker.length);
      this.mode = { kind: 'reasoning', closes: [reasoning.close] };
      return true;
    }
    const candidates = familiesAt(
      rest,
      0,
      this.families,
      isLeading && !this.output.sawText,
    );
    const mode: BlockMode = {
      kind: 'block',
      race: new BlockRace(
        marker,
        candidates.map((family) => family.createScanner(this.ctx)),
        this.maxBufferChars,
      ),
      openCall: -1,
      sawCall: false,
    };
    this.mode = mode;
    this.pending = '';
    this.feedBlock(mode, rest, atEnd);
    return true;
  }

  /** Reasoning mode: everything up to the close tag is reasoning. */
  private stepReasoning(closes: readonly string[], atEnd: boolean): boolean {
    const text = this.pending;
    if (text === '') {
      return false;
    }
    const found = findEarliest(text, closes);
    if (found !== undefined) {
      this.output.reasoning(text.slice(0, found.index));
      this.pending = text.slice(found.index + found.marker.length);
      this.mode = TEXT_MODE;
      return true;
    }
    const hold = atEnd ? 0 : longestPartialSuffix(text, closes);
    this.output.reasoning(text.slice(0, text.length - hold));
    this.pending = text.slice(text.length - hold);
    return false;
  }

  /**
   * Block mode: feeds new block text to the block's race and acts on the
   * outcome. Afterwards the mode is either still this block or text (with
   * whatever follows in `pending`).
   */
  private feedBlock(mode: BlockMode, text: string, atEnd: boolean): void {
    const outcome = mode.race.feed(text, atEnd);
    switch (outcome.kind) {
      case 'open':
        this.output.blockEvents(mode, outcome.events);
        return;
      case 'closed':
        this.output.blockEvents(mode, outcome.events);
        this.output.blockClosed(mode);
        this.pending = outcome.rest;
        break;
      case 'rejected':
        // Not a call: the marker is text and what follows is read again.
        this.output.text(outcome.marker);
        this.pending = outcome.rest;
        break;
      case 'abandoned':
        this.output.blockEvents(mode, outcome.events);
        this.output.closeOpenCall(mode);
        this.output.text(outcome.text);
        this.pending = outcome.rest;
        break;
    }
    this.mode = TEXT_MODE;
  }
}
