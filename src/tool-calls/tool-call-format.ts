import { createCustomFamily } from './generic-tag.parser.js';
import { ALL_TOOL_CALL_FAMILIES } from './tool-call-families.js';
import type { ToolCallFamily } from './tool-call.types.js';

/**
 * Which families to parse for a backend, from the `format` setting:
 * - `auto`: the families whose `modelPattern` matches the model name (in
 *   priority order); when none matches, every family (the engine then uses
 *   the ones whose markers appear);
 * - `none`: no text tool-call parsing (`[]`);
 * - a family name (e.g. `qwen3-coder-xml`): that family;
 * - `"START,END"`: a custom family whose block holds JSON
 *   `{"name": …, "arguments": {…}}` or a list of them.
 *
 * The same format and model give the same frozen list (remembered for the
 * last RESOLVED_LISTS pairs): a parser's markers are worked out once per
 * list (parserMarkersOf), not once per stream.
 *
 * @throws Error for an unknown format (a configuration error).
 */
export function resolveToolCallFamilies(
  format: string,
  modelName: string,
): readonly ToolCallFamily[] {
  if (modelName.length > MAX_REMEMBERED_NAME) {
    // A client's name: remembered, it would keep its whole length alive.
    return Object.freeze(familiesFor(format, modelName));
  }
  const key = `${format}\n${modelName}`;
  let families = resolved.get(key);
  if (families === undefined) {
    families = Object.freeze(familiesFor(format, modelName));
    if (resolved.size >= RESOLVED_LISTS) {
      // Least recently resolved first: a Map keeps insertion order.
      resolved.delete(resolved.keys().next().value as string);
    }
  } else {
    resolved.delete(key);
  }
  resolved.set(key, families);
  return families;
}

/** Pairs remembered: model names come from clients, so the map is bounded, and so are the names it keeps. */
const RESOLVED_LISTS = 256;
const MAX_REMEMBERED_NAME = 256;
const resolved = new Map<string, readonly ToolCallFamily[]>();

function familiesFor(format: string, modelName: string): ToolCallFamily[] {
  const value = format.trim();
  const lower = value.toLowerCase();
  if (lower === 'none') {
    return [];
  }
  if (lower === 'auto' || lower === '') {
    const matched = ALL_TOOL_CALL_FAMILIES.filter(
      (f) => f.modelPattern?.test(modelName) === true,
    );
    return matched.length > 0 ? matched : [...ALL_TOOL_CALL_FAMILIES];
  }
  const named = ALL_TOOL_CALL_FAMILIES.find((f) => f.name === lower);
  if (named !== undefined) {
    return [named];
  }
  const comma = value.indexOf(',');
  if (comma > 0 && comma < value.length - 1) {
    return [
      createCustomFamily(
        value.slice(0, comma).trim(),
        value.slice(comma + 1).trim(),
      ),
    ];
  }
  const known = ALL_TOOL_CALL_FAMILIES.map((f) => f.name).join(', ');
  throw new Error(
    `Unknown tool-call format "${format}": use auto, none, "START,END" or one of ${known}`,
  );
}
