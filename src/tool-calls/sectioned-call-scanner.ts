import { INVALID, openScan } from './block-scanners.js';
import { normalizeArguments } from './json-call.util.js';
import { ArgumentStreamer } from './argument-streamer.js';
import {
  couldBecomeMarker,
  isRecord,
  matchMarkerAt,
  skipWhitespace,
  tryParseJson,
} from './text-scan.util.js';
import type {
  BlockEvent,
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
  let state: 'marker' | 'between' | 'header' | 'args' | 'legacy' = 'marker';
  let buf = '';
  let pos = 0; // block offset of buf[0]
  let calls = 0;
  let callStart = 0;
  let args = new ArgumentStreamer(spec.callEnd);
  const followers = [spec.callBegin, ...spec.sectionEnd];
  const drop = (n: number) => {
    buf = buf.slice(n);
    pos += n;
  };

  return {
    feed(text, atEnd) {
      buf += text;
      const events: BlockEvent[] = [];
      const closed = (length: number): BlockScan =>
        calls === 0 || length <= 0
          ? INVALID
          : { status: 'closed', length, events };
      // A bad call after good ones ends the block before it (it becomes text).
      const giveUp = (): BlockScan => closed(callStart);
      for (;;) {
        switch (state) {
          case 'marker': {
            const marker = matchMarkerAt(buf, spec.startMarkers);
            if (marker === undefined) {
              return !atEnd && couldBecomeMarker(buf, spec.startMarkers)
                ? openScan()
                : INVALID;
            }
            drop(marker === spec.callBegin ? 0 : marker.length);
            state = 'between';
            break;
          }
          case 'between': {
            const p = skipWhitespace(buf, 0);
            if (buf.startsWith(spec.callBegin, p)) {
              callStart = pos + p;
              drop(p + spec.callBegin.length);
              state = 'header';
              break;
            }
            const end = matchMarkerAt(buf, spec.sectionEnd, p);
            if (end !== undefined) {
              return closed(pos + p + end.length);
            }
            if (
              !atEnd &&
              (p === buf.length || couldBecomeMarker(buf, followers, p))
            ) {
              return openScan(events, pos);
            }
            // Anything else after the calls ends the section.
            return closed(pos);
          }
          case 'header': {
            const sep = buf.indexOf(spec.argSep);
            if (sep < 0) {
              if (atEnd || buf.length > MAX_HEADER_CHARS) {
                return giveUp();
              }
              return openScan(events, callStart);
            }
            const header = buf.slice(0, sep).trim();
            const bodyStart = sep + spec.argSep.length;
            if (spec.fencedLegacy === true && header === 'function') {
              const p = skipWhitespace(buf, bodyStart);
              if (p === buf.length && !atEnd) {
                return openScan(events, callStart);
              }
              if (buf[p] !== '{') {
                drop(bodyStart);
                state = 'legacy';
                break;
              }
            }
            const name = spec.nameFromHeader(header);
            if (!ctx.tools.has(name)) {
              return giveUp();
            }
            calls++;
            events.push({ kind: 'call_start', name });
            drop(bodyStart);
            args = new ArgumentStreamer(spec.callEnd);
            state = 'args';
            break;
          }
          case 'args': {
            const step = args.read(buf, atEnd);
            if (step.delta !== '') {
              events.push({ kind: 'call_arguments', delta: step.delta });
            }
            drop(step.used);
            if (step.endLength < 0 && !atEnd) {
              return openScan(events, pos);
            }
            events.push({ kind: 'call_end' });
            drop(Math.max(step.endLength, 0));
            if (step.endLength < 0) {
              return closed(pos + buf.length);
            }
            state = 'between';
            break;
          }
          case 'legacy': {
            const end = buf.indexOf(spec.callEnd);
            if (end < 0 && !atEnd) {
              return openScan(events, callStart);
            }
            const call = parseFencedBody(
              end < 0 ? buf : buf.slice(0, end),
              ctx,
            );
            if (call === null) {
              return giveUp();
            }
            calls++;
            events.push(
              { kind: 'call_start', name: call.name },
              { kind: 'call_arguments', delta: call.arguments },
              { kind: 'call_end' },
            );
            if (end < 0) {
              return closed(pos + buf.length);
            }
            drop(end + spec.callEnd.length);
            state = 'between';
            break;
          }
        }
      }
    },
  };
}
