import { BalancedValueScanner } from './balanced-value-scanner.js';
import {
  callEvents,
  defineFamily,
  INVALID,
  openScan,
} from './block-scanners.js';
import { SteppedBlockScanner } from './buffered-block-scanner.js';
import { parseJsonCallText } from './json-call.util.js';
import { couldBecomeMarker, skipWhitespace } from './text-scan.util.js';
import type { BlockScan, ParseContext } from './tool-call.types.js';

const TOOL_CALLS = '[TOOL_CALLS]';
const ARGS = '[ARGS]';
// Newer tokenizers may put a call id between the name and the arguments.
const CALL_ID = '[CALL_ID]';
const NAME_CHARS = /^[\w.-]*$/;
const MAX_NAME_CHARS = 128;

type MistralState =
  'marker' | 'start' | 'legacy' | 'name' | 'args-start' | 'args';

/**
 * Reads a Mistral block state by state; each state's reader either answers
 * the feed (a BlockScan) or moves on to the next state (undefined).
 */
class MistralScanner extends SteppedBlockScanner {
  private state: MistralState = 'marker';
  private scanner = new BalancedValueScanner();
  /** The legacy call list read so far. */
  private legacy = '';
  /** This feed's events and end flag. */

  constructor(private readonly ctx: ParseContext) {
    super();
  }

  protected step(): BlockScan | undefined {
    switch (this.state) {
      case 'marker':
        return this.readMarker();
      case 'start':
        return this.readStart();
      case 'legacy':
        return this.readLegacyList();
      case 'name':
        return this.readName();
      case 'args-start':
        return this.readArgumentsStart();
      case 'args':
        return this.readArguments();
    }
  }

  private closed(length: number): BlockScan {
    this.events.push({ kind: 'call_end' });
    return { status: 'closed', length, events: this.events };
  }

  private readMarker(): BlockScan | undefined {
    if (!this.buf.startsWith(TOOL_CALLS)) {
      return !this.atEnd && couldBecomeMarker(this.buf, [TOOL_CALLS])
        ? openScan()
        : INVALID;
    }
    this.drop(TOOL_CALLS.length);
    this.state = 'start';
    return undefined;
  }

  private readStart(): BlockScan | undefined {
    const p = skipWhitespace(this.buf, 0);
    if (p === this.buf.length) {
      return this.atEnd ? INVALID : openScan();
    }
    // v0.3 and older: `[TOOL_CALLS] [{"name": …, "arguments": {…}}]`.
    const isLegacy = this.buf[p] === '[' || this.buf[p] === '{';
    this.drop(isLegacy ? p : 0);
    this.state = isLegacy ? 'legacy' : 'name';
    return undefined;
  }

  private readLegacyList(): BlockScan {
    const end = this.scanner.consume(this.buf);
    if (end < 0) {
      this.legacy += this.buf;
      this.drop(this.buf.length);
      return this.atEnd ? INVALID : openScan();
    }
    const calls = parseJsonCallText(
      this.legacy + this.buf.slice(0, end),
      this.ctx,
    );
    return calls === null
      ? INVALID
      : { status: 'closed', length: this.pos + end, events: callEvents(calls) };
  }

  /** v11+: `[TOOL_CALLS]NAME[ARGS]{json}` (optionally `[CALL_ID]id` before `[ARGS]`). */
  private readName(): BlockScan | undefined {
    const buf = this.buf;
    const bracket = buf.indexOf('[');
    const name = bracket < 0 ? buf : buf.slice(0, bracket);
    if (!NAME_CHARS.test(name) || name.length > MAX_NAME_CHARS) {
      return INVALID;
    }
    if (bracket < 0) {
      return this.atEnd ? INVALID : openScan();
    }
    let argsTag = bracket;
    if (buf.startsWith(CALL_ID, bracket)) {
      argsTag = buf.indexOf(ARGS, bracket);
      if (argsTag < 0) {
        return this.atEnd || buf.length - bracket > MAX_NAME_CHARS
          ? INVALID
          : openScan();
      }
    } else if (!buf.startsWith(ARGS, bracket)) {
      return !this.atEnd && couldBecomeMarker(buf, [ARGS, CALL_ID], bracket)
        ? openScan()
        : INVALID;
    }
    if (!this.ctx.tools.has(name)) {
      return INVALID;
    }
    this.events.push({ kind: 'call_start', name });
    this.drop(argsTag + ARGS.length);
    this.state = 'args-start';
    return undefined;
  }

  private readArgumentsStart(): BlockScan | undefined {
    const p = skipWhitespace(this.buf, 0);
    if (p === this.buf.length) {
      return this.atEnd
        ? this.closed(this.pos + this.buf.length)
        : openScan(this.events, this.pos);
    }
    if (this.buf[p] !== '{') {
      // Not a JSON object after [ARGS]: end the call with what it has.
      return this.closed(this.pos);
    }
    this.drop(p);
    this.scanner = new BalancedValueScanner();
    this.state = 'args';
    return undefined;
  }

  /** The arguments stream as they arrive; the block ends with the object. */
  private readArguments(): BlockScan {
    const end = this.scanner.consume(this.buf);
    const delta = end < 0 ? this.buf : this.buf.slice(0, end);
    if (delta !== '') {
      this.events.push({ kind: 'call_arguments', delta });
    }
    this.drop(delta.length);
    if (end >= 0 || this.atEnd) {
      return this.closed(this.pos);
    }
    return openScan(this.events, this.pos);
  }
}

/**
 * Mistral, both generations: `[TOOL_CALLS]NAME[ARGS]{json}` (tokenizer ≥ v11:
 * Ministral, Mistral Small 3.2, Devstral, Magistral; arguments stream) and
 * `[TOOL_CALLS] [{"name": …, "arguments": {…}}]` (7B v0.3 and older).
 * Reasoning is `[THINK]…[/THINK]`.
 */
export const mistralFamily = defineFamily({
  name: 'mistral',
  description: '[TOOL_CALLS]NAME[ARGS]{json} or [TOOL_CALLS] [{…}]',
  startMarkers: [TOOL_CALLS],
  modelPattern: /mistral|ministral|devstral|magistral|mixtral|codestral/i,
  reasoningTags: [{ open: '[THINK]', close: '[/THINK]' }],
  createScanner: (ctx) => new MistralScanner(ctx),
});
