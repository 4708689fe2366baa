import { ArgumentStreamer } from './argument-streamer.js';
import { defineFamily, INVALID, openScan } from './block-scanners.js';
import { BufferedBlockScanner } from './buffered-block-scanner.js';
import { couldBecomeMarker, matchMarkerAt } from './text-scan.util.js';
import type { BlockEvent, BlockScan, ParseContext } from './tool-call.types.js';

const START_MARKERS = ['<|start|>', '<|channel|>'];
const MESSAGE = '<|message|>';
// `<|end|>` closes analysis/commentary text, `<|call|>` a tool call, `<|return|>` the final answer.
const BODY_ENDS = ['<|end|>', '<|call|>', '<|return|>'];
/** A header longer than this is not a Harmony header. */
const MAX_HEADER_CHARS = 512;

type HarmonyKind = 'call' | 'text' | 'reasoning';

/** Reads one Harmony message: header up to `<|message|>`, then the body. */
class HarmonyScanner extends BufferedBlockScanner {
  private kind: HarmonyKind | undefined;
  private body = new ArgumentStreamer(BODY_ENDS);

  constructor(private readonly ctx: ParseContext) {
    super();
  }

  protected scan(_fresh: string, atEnd: boolean): BlockScan {
    const events: BlockEvent[] = [];
    const kind = this.kind ?? this.readHeader(events, atEnd);
    return typeof kind === 'string' ? this.readBody(kind, events, atEnd) : kind;
  }

  /** The header names the channel and, for a call, the recipient. */
  private readHeader(
    events: BlockEvent[],
    atEnd: boolean,
  ): HarmonyKind | BlockScan {
    const buf = this.buf;
    if (matchMarkerAt(buf, START_MARKERS) === undefined) {
      return !atEnd && couldBecomeMarker(buf, START_MARKERS)
        ? openScan()
        : INVALID;
    }
    const m = buf.indexOf(MESSAGE);
    if (m < 0) {
      return atEnd || buf.length > MAX_HEADER_CHARS ? INVALID : openScan();
    }
    const header = buf.slice(0, m);
    // `to=` may sit before or after `<|channel|>`: `to=functions.NAME`.
    const recipient = /\bto=([^\s<]+)/.exec(header)?.[1];
    const channel = /<\|channel\|>\s*(\w+)/.exec(header)?.[1] ?? '';
    let kind: HarmonyKind;
    if (recipient !== undefined) {
      const name = recipient.replace(/^functions\./, '');
      if (!this.ctx.tools.has(name)) {
        return INVALID;
      }
      kind = 'call';
      events.push({ kind: 'call_start', name });
    } else {
      kind = channel === 'analysis' ? 'reasoning' : 'text';
    }
    // Arguments lose edge whitespace; message text is kept as written.
    this.body = new ArgumentStreamer(BODY_ENDS, kind === 'call');
    this.kind = kind;
    this.drop(m + MESSAGE.length);
    return kind;
  }

  private readBody(
    kind: HarmonyKind,
    events: BlockEvent[],
    atEnd: boolean,
  ): BlockScan {
    const step = this.body.read(this.buf, atEnd);
    if (step.delta !== '') {
      events.push(
        kind === 'call'
          ? { kind: 'call_arguments', delta: step.delta }
          : { kind, text: step.delta },
      );
    }
    this.drop(step.used);
    if (step.endLength < 0 && !atEnd) {
      return openScan(events, this.pos);
    }
    if (kind === 'call') {
      events.push({ kind: 'call_end' });
    }
    return {
      status: 'closed',
      length: this.pos + Math.max(step.endLength, 0),
      events,
    };
  }
}

/**
 * gpt-oss (Harmony): `<|start|>assistant<|channel|>commentary to=functions.NAME <|constrain|>json<|message|>{json}<|call|>`.
 * The analysis channel becomes reasoning and the final channel text, so this
 * family is scanned even when no tools are declared. Arguments stream.
 */
export const harmonyFamily = defineFamily({
  name: 'harmony',
  description:
    '<|channel|>commentary to=functions.NAME <|constrain|>json<|message|>{json}<|call|>',
  startMarkers: START_MARKERS,
  modelPattern: /gpt-?oss|harmony/i,
  activeWithoutTools: true,
  createScanner: (ctx) => new HarmonyScanner(ctx),
});
