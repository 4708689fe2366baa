import { isRecord } from '../common/is-record.js';
import { tryParseJson } from './text-scan.util.js';
import type { ParseContext, ParsedToolCall } from './tool-call.types.js';

/**
 * Normalises an arguments value to JSON object text: objects are serialised,
 * a string holding a JSON object is parsed first (some models double-encode),
 * a missing value is `{}`. Anything else is not valid arguments (null).
 */
export function normalizeArguments(value: unknown): string | null {
  if (value === undefined || value === null) {
    return '{}';
  }
  if (typeof value === 'string') {
    if (value.trim() === '') {
      return '{}';
    }
    const parsed = tryParseJson(value);
    return isRecord(parsed) ? JSON.stringify(parsed) : null;
  }
  return isRecord(value) ? JSON.stringify(value) : null;
}

/**
 * One JSON call object in any of the usual shapes:
 * `{name, arguments|parameters|args}`, `{tool_name, parameters}` (Cohere) or
 * `{type: 'function', function: {name, arguments}}` (OpenAI). Null when the
 * shape is wrong or the tool is not declared.
 */
function normalizeJsonCall(
  value: unknown,
  ctx: ParseContext,
): ParsedToolCall | null {
  if (!isRecord(value)) {
    return null;
  }
  const record =
    value.name === undefined && isRecord(value.function)
      ? value.function
      : value;
  const name = record.name ?? record.tool_name;
  if (typeof name !== 'string' || !ctx.tools.has(name)) {
    return null;
  }
  const args = normalizeArguments(
    record.arguments ?? record.parameters ?? record.args,
  );
  return args === null ? null : { name, arguments: args };
}

/** A call object or a list of call objects; null unless every one is valid. */
function normalizeJsonCalls(
  value: unknown,
  ctx: ParseContext,
): ParsedToolCall[] | null {
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) {
    return null;
  }
  const calls: ParsedToolCall[] = [];
  for (const item of items) {
    const call = normalizeJsonCall(item, ctx);
    if (call === null) {
      return null;
    }
    calls.push(call);
  }
  return calls;
}

/** Parses JSON text holding one call or a list of calls. */
export function parseJsonCallText(
  text: string,
  ctx: ParseContext,
): ParsedToolCall[] | null {
  const value = tryParseJson(text.trim());
  return value === undefined ? null : normalizeJsonCalls(value, ctx);
}

/** Several JSON values (each a call or a list of calls), all of which must be valid. */
export function parseJsonCallValues(
  values: readonly string[],
  ctx: ParseContext,
): ParsedToolCall[] | null {
  const calls: ParsedToolCall[] = [];
  for (const value of values) {
    const parsed = parseJsonCallText(value, ctx);
    if (parsed === null) {
      return null;
    }
    calls.push(...parsed);
  }
  return calls.length > 0 ? calls : null;
}
