import { BlockRace } from './block-race.js';
import { familiesAt, toFamilyList } from './family-detection.js';
import type { ParserEvent } from './parser-events.js';
import {
  couldBecomeMarker,
  findEarliest,
  longestPartialSuffix,
  matchMarkerAt,
  skipWhitespace,
} from './text-scan.util.js';
import type {
  BlockEvent,
  ParseContext,
  ReasoningTags,
  ToolCallFamily,
} from './tool-call.types.js';

export type { ParserEvent } from './parser-events.js';

/** Options of {@link StreamingToolCallParser}. */
export interface StreamingToolCallParserOptions {
  /**
   * Most chars held while deciding whether a block is a call (default
   * 256 KiB). A block still undecided past the cap is released as text.
   */
  readonly maxBufferChars?: number;
  /**
   * The prompt template already opened the reasoning block (e.g. it ends
   * with `<think>`, or Cohere's thinking): text is reasoning until a close tag.
   */
  readonly startInReasoning?: boolean;
  /** Split out reasoning tags (default true). */
  readonly parseReasoning?: boolean;
}

/** Default of {@link StreamingToolCallParserOptions.maxBufferChars}. */
export const DEFAULT_MAX_BUFFER_CHARS = 256 * 1024;

/** Reasoning tags recognised for every family. */
export const THINK_TAGS: ReasoningTags = { open: '<think>', close: '</think>' };

interface BlockMode {
  readonly kind: 'block';
  readonly race: BlockRace;
  /** Index of the call being streamed, -1 when none. */
  openCall: number;
  sawCall: boolean;
}

type Mode =
  | { readonly kind: 'text' }
  | { readonly kind: 'reasoning'; readonly closes: readonly string[] }
  | BlockMode;

const TEXT_MODE: Mode = { kind: 'text' };

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

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
  private pending = '';
  private mode: Mode = TEXT_MODE;
  private out: ParserEvent[] = [];
  private nextIndex = 0;
  /** Non-whitespace text was emitted since the message start. */
  private sawText = false;
  /** Non-whitespace text was emitted since the start or the last call block. */
  private sawTextSinceBlock = false;
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
    const list = toFamilyList(families);
    this.families = list.filter(
      (f) => ctx.tools.size > 0 || f.activeWithoutTools === true,
    );
    this.reasoningTags =
      options.parseReasoning === false
        ? []
        : [THINK_TAGS, ...list.flatMap((f) => f.reasoningTags ?? [])].filter(
            (tag, i, all) => all.findIndex((t) => t.open === tag.open) === i,
          );
    this.reasoningOpens = this.reasoningTags.map((t) => t.open);
    this.toolMarkers = unique(this.families.flatMap((f) => f.startMarkers));
    this.leadingToolMarkers = unique(
      this.families.flatMap((f) => f.leadingMarkers ?? []),
    );
    this.maxBufferChars = options.maxBufferChars ?? DEFAULT_MAX_BUFFER_CHARS;
    if (options.startInReasoning === true && this.reasoningTags.length > 0) {
      this.mode = {
        kind: 'reasoning',
        closes: unique(this.reasoningTags.map((t) => t.close)),
      };
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
    return this.flush();
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
    return this.flush();
  }

  private flush(): ParserEvent[] {
    const out = this.out;
    this.out = [];
    return out;
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
    const reasoning = this.sawTextSinceBlock ? [] : this.reasoningOpens;
    const tools = this.sawText ? [] : this.leadingToolMarkers;
    return [...reasoning, ...tools];
  }

  /** Text mode: pass text through up to the next marker. */
  private stepText(atEnd: boolean): boolean {
    const text = this.pending;
    if (text === '') {
      return false;
    }
    const anywhere = this.toolMarkers;
    const leading = this.leadingMarkersNow();
    const first = leading.length > 0 ? skipWhitespace(text, 0) : -1;
    const leadingAt =
      first >= 0 && matchMarkerAt(text, leading, first) !== undefined
        ? first
        : -1;
    let at = findEarliest(text, anywhere)?.index ?? -1;
    if (leadingAt >= 0 && (at < 0 || leadingAt <= at)) {
      at = leadingAt;
    }
    if (at < 0) {
      // Hold back only what could still become a marker.
      let hold = atEnd ? 0 : longestPartialSuffix(text, anywhere);
      if (!atEnd && first >= 0 && couldBecomeMarker(text, leading, first)) {
        hold = Math.max(hold, text.length - first);
      }
      this.emitText(text.slice(0, text.length - hold));
      this.pending = text.slice(text.length - hold);
      return false;
    }
    const isLeading = at === leadingAt;
    this.emitText(text.slice(0, at));
    const rest = text.slice(at);
    const markersHere = isLeading ? [...anywhere, ...leading] : anywhere;
    this.pending = rest;
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
      isLeading && !this.sawText,
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
      this.emit('reasoning', text.slice(0, found.index));
      this.pending = text.slice(found.index + found.marker.length);
      this.mode = TEXT_MODE;
      return true;
    }
    const hold = atEnd ? 0 : longestPartialSuffix(text, closes);
    this.emit('reasoning', text.slice(0, text.length - hold));
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
        this.emitBlockEvents(mode, outcome.events);
        return;
      case 'closed':
        this.emitBlockEvents(mode, outcome.events);
        this.closeOpenCall(mode);
        if (mode.sawCall) {
          this.sawTextSinceBlock = false;
        }
        this.pending = outcome.rest;
        break;
      case 'rejected':
        // Not a call: the marker is text and what follows is read again.
        this.emitText(outcome.marker);
        this.pending = outcome.rest;
        break;
      case 'abandoned':
        this.emitBlockEvents(mode, outcome.events);
        this.closeOpenCall(mode);
        this.emitText(outcome.text);
        this.pending = outcome.rest;
        break;
    }
    this.mode = TEXT_MODE;
  }

  private closeOpenCall(mode: BlockMode): void {
    if (mode.openCall >= 0) {
      this.out.push({ kind: 'tool_call_end', index: mode.openCall });
      mode.openCall = -1;
    }
  }

  /** Turns a scanner's block events into parser events. */
  private emitBlockEvents(
    mode: BlockMode,
    events: readonly BlockEvent[],
  ): void {
    for (const e of events) {
      switch (e.kind) {
        case 'text':
        case 'reasoning':
          this.emit(e.kind, e.text);
          break;
        case 'call_start':
          this.closeOpenCall(mode);
          mode.openCall = this.nextIndex++;
          mode.sawCall = true;
          this.out.push({
            kind: 'tool_call_start',
            index: mode.openCall,
            name: e.name,
          });
          break;
        case 'call_arguments':
          if (mode.openCall >= 0 && e.delta !== '') {
            this.out.push({
              kind: 'tool_call_arguments',
              index: mode.openCall,
              delta: e.delta,
            });
          }
          break;
        case 'call_end':
          this.closeOpenCall(mode);
          break;
      }
    }
  }

  private emitText(text: string): void {
    this.emit('text', text);
  }

  /** Appends text/reasoning, merging with a preceding event of the same kind. */
  private emit(kind: 'text' | 'reasoning', text: string): void {
    if (text === '') {
      return;
    }
    if (kind === 'text' && (!this.sawText || !this.sawTextSinceBlock)) {
      if (/\S/.test(text)) {
        this.sawText = true;
        this.sawTextSinceBlock = true;
      }
    }
    const last = this.out[this.out.length - 1];
    if (last !== undefined && last.kind === kind) {
      this.out[this.out.length - 1] = { kind, text: last.text + text };
    } else {
      this.out.push({ kind, text });
    }
  }
}
