import { jsonEqual } from '../../common/json/json-equal.js';
import { rememberJsonText } from '../../common/json/json-text.js';
import type { ResponseTool } from '../../protocol/responses.types.js';
import { copyJson } from './json-copy.js';

/**
 * Lists held at most, and their keys' and JSON's characters at most, all
 * scopes together. Live, a frozen copy takes more than its JSON (up to
 * ~20× for a list of tiny objects, ~20 MB at the cap): a coding agent's
 * twenty tools are ~11 KB of JSON, so the cap still holds dozens.
 */
const MAX_LISTS = 64;
const MAX_CHARS = 1024 * 1024;
/** A longer list is copied for its Response alone, as before interning. */
const MAX_LIST_CHARS = 256 * 1024;

interface InternedList {
  tools: readonly ResponseTool[];
  chars: number;
}

/**
 * The lists by scope and tool names, least recently used first (a Map
 * keeps insertion order; a hit is moved to the end). One list per key: a
 * caller whose tools change replaces its old list.
 */
const lists = new Map<string, InternedList>();
let heldChars = 0;

/**
 * The echoed tool list of a Response, as a private copy (what copyJson
 * gives) that never changes: frozen, its JSON text known to jsonText. A
 * coding agent sends the same tools (kilobytes of schemas) with every
 * turn; a list equal to the last one of the same caller and tool names is
 * that list again, so the turn neither copies it nor writes its JSON (one
 * walk that compares instead: bench/README.md, "Tool lists echoed once").
 * `scope` (the caller's tenant) keeps callers' lists apart: a list is only
 * ever shared with its own caller's equal one. Bounded: MAX_LISTS lists,
 * MAX_CHARS characters of their JSON; a longer list is copied alone.
 */
export function internedTools(
  fresh: readonly ResponseTool[],
  scope: string,
): readonly ResponseTool[] {
  if (fresh.length === 0) {
    return [];
  }
  const key = `${scope}\n${namesOf(fresh)}`;
  const known = lists.get(key);
  if (known !== undefined && jsonEqual(fresh, known.tools)) {
    lists.delete(key);
    lists.set(key, known);
    return known.tools;
  }
  const tools = deepFrozen(copyJson(fresh));
  const text = JSON.stringify(tools);
  rememberJsonText(tools, text);
  forget(key);
  const chars = key.length + text.length;
  if (chars <= MAX_LIST_CHARS) {
    hold(key, { tools, chars });
  }
  return tools;
}

/** The tools' types and names, one line: a list's key within its scope. */
function namesOf(tools: readonly ResponseTool[]): string {
  let names = '';
  for (const tool of tools) {
    const named: { type?: unknown; name?: unknown } =
      typeof tool === 'object' && tool !== null ? tool : {};
    // Only strings: a hosted tool's `name` is not checked, and String() of
    // `{"toString":null}` throws. The key only picks the list to compare.
    names += `${textOrMark(named.type)}:${textOrMark(named.name)},`;
  }
  return names;
}

function textOrMark(value: unknown): string {
  return typeof value === 'string' ? value : '?';
}

function hold(key: string, list: InternedList): void {
  lists.set(key, list);
  heldChars += list.chars;
  for (const [oldest] of lists) {
    if (lists.size <= MAX_LISTS && heldChars <= MAX_CHARS) {
      break;
    }
    forget(oldest);
  }
}

function forget(key: string): void {
  const list = lists.get(key);
  if (list !== undefined) {
    lists.delete(key);
    heldChars -= list.chars;
  }
}

/** `value` with every object and array in it frozen: a shared list must not change. */
function deepFrozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) {
      deepFrozen(item);
    }
    Object.freeze(value);
  }
  return value;
}

/** Forgets every list (tests). */
export function forgetInternedTools(): void {
  lists.clear();
  heldChars = 0;
}
