import { isRecord } from '../common/is-record.js';
import { tryParseJson } from './text-scan.util.js';
import type { JsonSchema, ParseContext } from './tool-call.types.js';

const NUMBER_TEXT = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const INTEGER_TEXT = /^[-+]?\d+$/;

/** The JSON types a schema admits (through `type`, `anyOf`/`oneOf`/`allOf`, `enum`). */
function schemaTypes(schema: unknown, out = new Set<string>()): Set<string> {
  if (!isRecord(schema)) {
    return out;
  }
  const type = schema.type;
  if (typeof type === 'string') {
    out.add(type);
  } else if (Array.isArray(type)) {
    for (const t of type) {
      if (typeof t === 'string') {
        out.add(t);
      }
    }
  }
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const subs = schema[key];
    if (Array.isArray(subs)) {
      for (const sub of subs) {
        schemaTypes(sub, out);
      }
    }
  }
  if (out.size === 0 && Array.isArray(schema.enum)) {
    for (const value of schema.enum) {
      out.add(value === null ? 'null' : typeof value);
    }
  }
  if (out.size === 0 && isRecord(schema.properties)) {
    out.add('object');
  }
  if (out.size === 0 && schema.items !== undefined) {
    out.add('array');
  }
  return out;
}

/** JSON value if the text is JSON, otherwise the text itself. */
function parseLooseValue(raw: string): unknown {
  const parsed = tryParseJson(raw.trim());
  return parsed === undefined ? raw : parsed;
}

/**
 * Types an untyped (XML-style or bare) parameter value with its JSON schema:
 * integer/number/boolean/null/object/array are parsed, strings stay exactly
 * as written, and a value that does not fit its schema is kept as a string
 * (the tool's own validation reports it). Without a usable schema: JSON if it
 * parses, else the string.
 */
export function coerceBySchema(raw: string, schema: unknown): unknown {
  const types = schemaTypes(schema);
  if (types.size === 0) {
    return parseLooseValue(raw);
  }
  const text = raw.trim();
  if (types.has('null') && text === 'null') {
    return null;
  }
  if (types.has('string')) {
    return raw;
  }
  if (types.has('boolean')) {
    const lower = text.toLowerCase();
    if (lower === 'true' || lower === 'false') {
      return lower === 'true';
    }
  }
  if (types.has('integer') && INTEGER_TEXT.test(text)) {
    const n = Number(text);
    if (Number.isSafeInteger(n)) {
      return n;
    }
  }
  if ((types.has('number') || types.has('integer')) && NUMBER_TEXT.test(text)) {
    return Number(text);
  }
  if (types.has('object') || types.has('array')) {
    const parsed = tryParseJson(text);
    if (
      (types.has('object') && isRecord(parsed)) ||
      (types.has('array') && Array.isArray(parsed))
    ) {
      return parsed;
    }
  }
  return raw;
}

/** The parameters schema of a declared tool. */
function toolSchema(
  ctx: ParseContext,
  toolName: string,
): JsonSchema | undefined {
  return ctx.tools.get(toolName);
}

/** The sub-schema of an object property (undefined when not declared). */
export function propertySchema(schema: unknown, key: string): unknown {
  if (!isRecord(schema) || !isRecord(schema.properties)) {
    return undefined;
  }
  return Object.prototype.hasOwnProperty.call(schema.properties, key)
    ? schema.properties[key]
    : undefined;
}

/** The sub-schema of an array's items. */
export function itemsSchema(schema: unknown): unknown {
  return isRecord(schema) ? schema.items : undefined;
}

/**
 * Builds the arguments JSON text of an XML-style call from raw key/value
 * pairs, typing each value with the tool's schema. Null when the tool is not
 * declared.
 */
export function argumentsFromRawPairs(
  toolName: string,
  pairs: ReadonlyArray<readonly [string, string]>,
  ctx: ParseContext,
): string | null {
  if (!ctx.tools.has(toolName)) {
    return null;
  }
  const schema = toolSchema(ctx, toolName);
  const args: Record<string, unknown> = {};
  for (const [key, raw] of pairs) {
    args[key] = coerceBySchema(raw, propertySchema(schema, key));
  }
  return JSON.stringify(args);
}
