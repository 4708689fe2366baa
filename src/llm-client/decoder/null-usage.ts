import { jsonKey } from './read-fields.js';

const USAGE_KEY = jsonKey('usage');
/** `"usage": null` with the spacing any upstream may write, anchored where it is tried. */
const NULL_USAGE = /"usage"\s*:\s*null/y;
const SPACE = /\s*/y;

/**
 * The chunk's JSON text without its top-level `"usage":null`, or undefined
 * when that cannot be proven from the text alone (no such key, more than one
 * `"usage"`, a non-null value, or a key below the top level): the caller
 * then parses the chunk. OpenAI puts `"usage":null` on every chunk once
 * usage is asked for, which the gateway always does upstream; a client that
 * did not ask must not see it, and this keeps such chunks off the parse.
 *
 * A `"usage"` with unescaped quotes can only be a key (quotes inside a JSON
 * string are escaped), so the only question is its depth, which
 * `objectDepthAt` answers.
 */
export function withoutNullUsage(json: string): string | undefined {
  const cut = nullUsageCut(json);
  return cut && json.slice(0, cut[0]) + json.slice(cut[1]);
}

/**
 * Where the chunk's top-level `"usage":null` is, with the comma that goes
 * with it: the [start, end) range of characters withoutNullUsage removes,
 * or undefined as it says. On a payload's bytes read as latin1 the range
 * is in bytes, as every character it looks at is ASCII.
 */
export function nullUsageCut(json: string): [number, number] | undefined {
  const at = json.indexOf(USAGE_KEY);
  if (at < 0 || json.indexOf(USAGE_KEY, at + 1) >= 0) {
    return undefined;
  }
  NULL_USAGE.lastIndex = at;
  if (!NULL_USAGE.test(json) || objectDepthAt(json, at) !== 1) {
    return undefined;
  }
  const end = NULL_USAGE.lastIndex;
  const before = lastNonSpace(json, at);
  if (json.charCodeAt(before) === 0x2c /* , */) {
    return [before, end];
  }
  // The first key: the comma after it goes instead, if another key follows.
  SPACE.lastIndex = end;
  SPACE.test(json);
  const next = SPACE.lastIndex;
  return [at, json.charCodeAt(next) === 0x2c ? next + 1 : end];
}

/** How many objects and arrays enclose `end` (strings skipped, escapes honoured). */
function objectDepthAt(json: string, end: number): number {
  let depth = 0;
  for (let i = 0; i < end; i++) {
    const code = json.charCodeAt(i);
    if (code === 0x22 /* " */) {
      i = closingQuote(json, i + 1);
    } else if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      depth++;
    } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
      depth--;
    }
  }
  return depth;
}

function closingQuote(json: string, from: number): number {
  for (let i = from; i < json.length; i++) {
    const code = json.charCodeAt(i);
    if (code === 0x5c /* \ */) {
      i++;
    } else if (code === 0x22) {
      return i;
    }
  }
  return json.length;
}

function lastNonSpace(json: string, before: number): number {
  let i = before - 1;
  while (i >= 0 && /\s/.test(json[i] ?? '')) {
    i--;
  }
  return i;
}
