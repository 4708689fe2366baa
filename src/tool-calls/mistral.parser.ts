import { BalancedValueScanner } from './balanced-value-scanner.js';
import {
  callEvents,
  defineFamily,
  INVALID,
  openScan,
} from './block-scanners.js';
import { parseJsonCallText } from './json-call.util.js';
import { couldBecomeMarker, skipWhitespace } from './text-scan.util.js';
import type {
  BlockEvent,
  BlockScan,
  BlockScanner,
  ParseContext,
} from './tool-call.types.js';

const TOOL_CALLS = '[TOOL_CALLS]';
const ARGS = '[ARGS]';
// Newer tokenizers may put a call id between the name and the arguments.
const CALL_ID = '[CALL_ID]';
const NAME_CHARS = /^[\w.-]*$/;
const MAX_NAME_CHARS = 128;

function mistralScanner(ctx: ParseContext): BlockScanner {
  let state: 'marker' | 'start' | 'legacy' | 'name' | 'args-start' | 'args' =
    'marker';
  let buf = '';
  let pos = 0; // block offset of buf[0]
  let scanner = new BalancedValueScanner();
  let legacy = '';
  const drop = (n: number) => {
    buf = buf.slice(n);
    pos += n;
  };

  return {
    feed(text, atEnd): BlockScan {
      buf += text;
      const events: BlockEvent[] = [];
      const closed = (length: number): BlockScan => {
        events.push({ kind: 'call_end' });
        return { status: 'closed', length, events };
      };
      for (;;) {
        switch (state) {
          case 'marker':
            if (!buf.startsWith(TOOL_CALLS)) {
              return !atEnd && couldBecomeMarker(buf, [TOOL_CALLS])
                ? openScan()
                : INVALID;
            }
            drop(TOOL_CALLS.length);
            state = 'start';
            break;
          case 'start': {
            const p = skipWhitespace(buf, 0);
            if (p === buf.length) {
              return atEnd ? INVALID : openScan();
            }
            // v0.3 and older: `[TOOL_CALLS] [{"name": …, "arguments": {…}}]`.
            const isLegacy = buf[p] === '[' || buf[p] === '{';
            drop(isLegacy ? p : 0);
            state = isLegacy ? 'legacy' : 'name';
            break;
          }
          case 'legacy': {
            const end = scanner.consume(buf);
            if (end < 0) {
              legacy += buf;
              drop(buf.length);
              return atEnd ? INVALID : openScan();
            }
            const calls = parseJsonCallText(legacy + buf.slice(0, end), ctx);
            return calls === null
              ? INVALID
              : {
                  status: 'closed',
                  length: pos + end,
                  events: callEvents(calls),
                };
          }
          case 'name': {
            // v11+: `[TOOL_CALLS]NAME[ARGS]{json}` (optionally `[CALL_ID]id` before `[ARGS]`).
            const bracket = buf.indexOf('[');
            const name = bracket < 0 ? buf : buf.slice(0, bracket);
            if (!NAME_CHARS.test(name) || name.length > MAX_NAME_CHARS) {
              return INVALID;
            }
            if (bracket < 0) {
              return atEnd ? INVALID : openScan();
            }
            let argsTag = bracket;
            if (buf.startsWith(CALL_ID, bracket)) {
              argsTag = buf.indexOf(ARGS, bracket);
              if (argsTag < 0) {
                return atEnd || buf.length - bracket > MAX_NAME_CHARS
                  ? INVALID
                  : openScan();
              }
            } else if (!buf.startsWith(ARGS, bracket)) {
              return !atEnd && couldBecomeMarker(buf, [ARGS, CALL_ID], bracket)
                ? openScan()
                : INVALID;
            }
            if (!ctx.tools.has(name)) {
              return INVALID;
            }
            events.push({ kind: 'call_start', name });
            drop(argsTag + ARGS.length);
            state = 'args-start';
            break;
          }
          case 'args-start': {
            const p = skipWhitespace(buf, 0);
            if (p === buf.length) {
              return atEnd ? closed(pos + buf.length) : openScan(events, pos);
            }
            if (buf[p] !== '{') {
              // Not a JSON object after [ARGS]: end the call with what it has.
              return closed(pos);
            }
            drop(p);
            scanner = new BalancedValueScanner();
            state = 'args';
            break;
          }
          case 'args': {
            // The arguments stream as they arrive; the block ends with the object.
            const end = scanner.consume(buf);
            const delta = end < 0 ? buf : buf.slice(0, end);
            if (delta !== '') {
              events.push({ kind: 'call_arguments', delta });
            }
            drop(delta.length);
            if (end >= 0 || atEnd) {
              return closed(pos);
            }
            return openScan(events, pos);
          }
        }
      }
    },
  };
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
  createScanner: mistralScanner,
});
