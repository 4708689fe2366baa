import { ArgumentStreamer } from './argument-streamer.js';
import { defineFamily, INVALID, openScan } from './block-scanners.js';
import { couldBecomeMarker, matchMarkerAt } from './text-scan.util.js';
import type {
  BlockEvent,
  BlockScan,
  BlockScanner,
  ParseContext,
} from './tool-call.types.js';

const START_MARKERS = ['<|start|>', '<|channel|>'];
const MESSAGE = '<|message|>';
// `<|end|>` closes analysis/commentary text, `<|call|>` a tool call, `<|return|>` the final answer.
const BODY_ENDS = ['<|end|>', '<|call|>', '<|return|>'];
/** A header longer than this is not a Harmony header. */
const MAX_HEADER_CHARS = 512;

/** Reads one Harmony message: header up to `<|message|>`, then the body. */
function harmonyScanner(ctx: ParseContext): BlockScanner {
  let kind: 'call' | 'text' | 'reasoning' | undefined;
  let buf = '';
  let pos = 0; // block offset of buf[0]
  let body = new ArgumentStreamer(BODY_ENDS);

  return {
    feed(text, atEnd): BlockScan {
      buf += text;
      const events: BlockEvent[] = [];
      if (kind === undefined) {
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
        if (recipient !== undefined) {
          const name = recipient.replace(/^functions\./, '');
          if (!ctx.tools.has(name)) {
            return INVALID;
          }
          kind = 'call';
          events.push({ kind: 'call_start', name });
        } else {
          kind = channel === 'analysis' ? 'reasoning' : 'text';
        }
        // Arguments lose edge whitespace; message text is kept as written.
        body = new ArgumentStreamer(BODY_ENDS, kind === 'call');
        buf = buf.slice(m + MESSAGE.length);
        pos = m + MESSAGE.length;
      }
      const step = body.read(buf, atEnd);
      if (step.delta !== '') {
        events.push(
          kind === 'call'
            ? { kind: 'call_arguments', delta: step.delta }
            : { kind, text: step.delta },
        );
      }
      buf = buf.slice(step.used);
      pos += step.used;
      if (step.endLength < 0 && !atEnd) {
        return openScan(events, pos);
      }
      if (kind === 'call') {
        events.push({ kind: 'call_end' });
      }
      return {
        status: 'closed',
        length: pos + Math.max(step.endLength, 0),
        events,
      };
    },
  };
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
  createScanner: harmonyScanner,
});
