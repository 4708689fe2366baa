import type {
  ChatCompletionChunk,
  ChatToolCallDelta,
} from '../protocol/chat-completion.types.js';
import type { ParserEvent } from './parser-events.js';
import { markerStartTest } from './marker-start-test.js';
import type { StreamingToolCallParserOptions } from './streaming-parser-options.js';
import { StreamingToolCallParser } from './streaming-tool-call-parser.js';
import {
  finishWithCalls,
  newToolCallId,
  type TextToolCallParsing,
} from './text-tool-call-parsing.js';
import { lastOf } from '../common/arrays/last-of.js';

/** One choice of a chat completion chunk. */
export type ChunkChoice = ChatCompletionChunk['choices'][number];
type ChunkDelta = ChunkChoice['delta'];

/** A choice this rewriter built (so it may be mutated) and what its delta holds. */
interface Piece {
  readonly kind: 'text' | 'reasoning' | 'start' | 'arguments' | 'other';
  readonly choice: ChunkChoice;
}

const BLANK = /^\s*$/;

/**
 * The text-tool-call state of one choice of a stream: its parser, the call
 * indexes handed out, and the last tool-call delta, held back until the next
 * chunk shows whether the finish_reason goes on it.
 */
export class TextToolCallChoice {
  private readonly parser: StreamingToolCallParser;
  private readonly newCallId: () => string;
  private readonly hasMarkerStart: (text: string) => boolean;
  /** The parser holds nothing and has seen prose: plain deltas need not reach it. */
  private clean = false;
  /** The next tool_calls index (after the upstream's native ones). */
  private nextIndex = 0;
  private readonly indexOf = new Map<number, number>();
  private sawCall = false;
  /** Whitespace after a call is held; dropped unless prose follows. */
  private afterCall = false;
  private whitespace = '';
  private held: Piece | undefined;
  private lastIndex: number | undefined;

  constructor(
    parsing: TextToolCallParsing,
    options: StreamingToolCallParserOptions = {},
  ) {
    this.parser = new StreamingToolCallParser(
      parsing.families,
      parsing.context,
      options,
    );
    this.newCallId = parsing.newCallId ?? newToolCallId;
    this.hasMarkerStart = markerStartTest(parsing);
  }

  /**
   * The choices to send for `choice`, in order; undefined when `choice`
   * itself goes out unchanged (the fast path for plain text).
   */
  rewrite(choice: ChunkChoice): ChunkChoice[] | undefined {
    this.lastIndex = choice.index;
    const delta = choice.delta;
    const native = delta.tool_calls;
    if (native !== undefined) {
      for (const call of native) {
        if (typeof call.index === 'number') {
          this.nextIndex = Math.max(this.nextIndex, call.index + 1);
        }
      }
    }
    const text = typeof delta.content === 'string' ? delta.content : '';
    const finishing =
      choice.finish_reason !== null && choice.finish_reason !== undefined;
    if (text === '' && !finishing) {
      // An empty delta may overtake the held call delta; anything else may not.
      return this.held === undefined || isEmptyDelta(delta)
        ? undefined
        : [this.takeHeld().choice, choice];
    }
    let events: ParserEvent[] | undefined;
    if (text !== '' && !(this.clean && !this.hasMarkerStart(text))) {
      events = this.parser.push(text);
      this.clean =
        isOnlyText(events, text) &&
        !BLANK.test(text) &&
        !this.hasMarkerStart(text);
    }
    if (finishing) {
      events = [...(events ?? []), ...this.parser.end()];
    }
    const plain =
      events === undefined ||
      (text === '' ? events.length === 0 : isOnlyText(events, text));
    if (
      plain &&
      this.held === undefined &&
      this.whitespace === '' &&
      !(finishing && this.sawCall) &&
      !(this.afterCall && BLANK.test(text))
    ) {
      this.afterCall = this.afterCall && text === '';
      return undefined;
    }
    return this.build(choice, events ?? [{ kind: 'text', text }], finishing);
  }

  /** At the end of a stream without a finish chunk: whatever is still held. */
  flush(): ChunkChoice[] {
    if (this.lastIndex === undefined) {
      return [];
    }
    const out = this.convert(this.lastIndex, this.parser.end());
    if (this.held !== undefined) {
      out.unshift(this.takeHeld());
    }
    return out.map((piece) => piece.choice);
  }

  private build(
    choice: ChunkChoice,
    events: readonly ParserEvent[],
    finishing: boolean,
  ): ChunkChoice[] {
    const out: Piece[] = [];
    const { content: _content, ...rest } = choice.delta;
    if (!isEmptyDelta(rest)) {
      out.push(piece(choice.index, rest, 'other'));
    }
    out.push(...this.convert(choice.index, events));
    if (this.held !== undefined && out.length > 0) {
      out.unshift(this.takeHeld());
    }
    if (!finishing) {
      const last = lastOf(out);
      if (last?.kind === 'start' || last?.kind === 'arguments') {
        this.held = out.pop();
      }
      return out.map((p) => p.choice);
    }
    this.whitespace = '';
    const target = lastOf(out) ?? this.held;
    const reason = this.sawCall
      ? finishWithCalls(choice.finish_reason)
      : choice.finish_reason;
    if (target === undefined) {
      const finish = piece(choice.index, rest, 'other').choice;
      return [finishLike(finish, choice, reason)];
    }
    finishLike(target.choice, choice, reason);
    if (target === this.held) {
      out.push(this.takeHeld());
    }
    return out.map((p) => p.choice);
  }

  /** Parser events as deltas: one per run of text, of reasoning, or of one call's arguments. */
  private convert(index: number, events: readonly ParserEvent[]): Piece[] {
    const out: Piece[] = [];
    const append = (kind: 'text' | 'reasoning', text: string): void => {
      const field = kind === 'text' ? 'content' : 'reasoning_content';
      const last = lastOf(out);
      if (last?.kind === kind) {
        last.choice.delta[field] = `${last.choice.delta[field] ?? ''}${text}`;
      } else {
        out.push(piece(index, { [field]: text }, kind));
      }
    };
    for (const e of events) {
      switch (e.kind) {
        case 'text':
          if (this.afterCall && BLANK.test(e.text)) {
            this.whitespace += e.text;
            break;
          }
          append('text', this.whitespace + e.text);
          this.whitespace = '';
          this.afterCall = false;
          break;
        case 'reasoning':
          append('reasoning', e.text);
          break;
        case 'tool_call_start':
          out.push(this.startPiece(index, e.index, e.name));
          break;
        case 'tool_call_arguments':
          this.appendArguments(out, index, e.index, e.delta);
          break;
        case 'tool_call_end':
          this.afterCall = true;
          break;
      }
    }
    return out;
  }

  private startPiece(index: number, parsed: number, name: string): Piece {
    const at = this.nextIndex++;
    this.indexOf.set(parsed, at);
    this.sawCall = true;
    this.afterCall = false;
    this.whitespace = '';
    const call: ChatToolCallDelta = {
      index: at,
      id: this.newCallId(),
      type: 'function',
      function: { name, arguments: '' },
    };
    return piece(index, { tool_calls: [call] }, 'start');
  }

  private appendArguments(
    out: Piece[],
    index: number,
    parsed: number,
    delta: string,
  ): void {
    const at = this.indexOf.get(parsed) ?? parsed;
    const last = lastOf(out);
    const call = last?.choice.delta.tool_calls?.[0];
    if (last?.kind === 'arguments' && call?.index === at && call.function) {
      call.function.arguments = `${call.function.arguments ?? ''}${delta}`;
      return;
    }
    const argumentsDelta: ChatToolCallDelta = {
      index: at,
      function: { arguments: delta },
    };
    out.push(piece(index, { tool_calls: [argumentsDelta] }, 'arguments'));
  }

  private takeHeld(): Piece {
    const held = this.held as Piece;
    this.held = undefined;
    return held;
  }
}

function piece(index: number, delta: ChunkDelta, kind: Piece['kind']): Piece {
  return { kind, choice: { index, delta, finish_reason: null } };
}

/**
 * `target` made the finish of `upstream`: its finish_reason `reason`, and
 * the stop string the backend named (vLLM's `stop_reason`, SGLang's
 * `matched_stop`), which the Messages API answers as `stop_sequence`.
 */
function finishLike(
  target: ChunkChoice,
  upstream: ChunkChoice,
  reason: ChunkChoice['finish_reason'],
): ChunkChoice {
  target.finish_reason = reason;
  for (const field of ['stop_reason', 'matched_stop']) {
    if (upstream[field] !== undefined) {
      target[field] = upstream[field];
    }
  }
  return target;
}

function isOnlyText(events: readonly ParserEvent[], text: string): boolean {
  const only = events.length === 1 ? events[0] : undefined;
  return only?.kind === 'text' && only.text === text;
}

/** A delta that carries nothing: every field absent, null or ''. */
function isEmptyDelta(delta: ChunkDelta): boolean {
  return Object.values(delta).every(
    (value) => value === undefined || value === null || value === '',
  );
}
