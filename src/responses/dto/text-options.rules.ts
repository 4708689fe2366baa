import {
  invalidRequest,
  optionalBoolean,
  optionalRecord,
  optionalString,
  requireRecord,
  requireString,
} from '../../common/http/field-guards.js';

/** Checks `text`: its `format` (text, json_object, json_schema) and `verbosity`. */
export function checkTextOptions(value: unknown): void {
  if (value === undefined || value === null) {
    return;
  }
  const text = requireRecord(value, 'text');
  const format = optionalRecord(text, 'format', 'text.format');
  if (format !== undefined) {
    checkTextFormat(format);
  }
  optionalString(text, 'verbosity', 'text.verbosity');
}

function checkTextFormat(format: Record<string, unknown>): void {
  const type = requireString(format, 'type', 'text.format.type');
  switch (type) {
    case 'text':
    case 'json_object':
      return;
    case 'json_schema':
      requireString(format, 'name', 'text.format.name');
      if (
        optionalRecord(format, 'schema', 'text.format.schema') === undefined
      ) {
        throw invalidRequest(
          'text.format.schema',
          `Missing required parameter: 'text.format.schema'.`,
        );
      }
      optionalBoolean(format, 'strict', 'text.format.strict');
      optionalString(format, 'description', 'text.format.description');
      return;
    default:
      throw invalidRequest(
        'text.format.type',
        `Invalid 'text.format.type': expected text, json_object or json_schema.`,
      );
  }
}

/**
 * The reasoning summaries OpenAI offers (`reasoning.summary`), and `none`
 * (no summary), which is not in OpenAI's spec but is a value of Codex's
 * own setting that other clients may pass on.
 */
const REASONING_SUMMARIES: readonly string[] = [
  'auto',
  'concise',
  'detailed',
  'none',
];

/**
 * Checks `reasoning`: an object whose `effort` is a string and whose
 * `summary` (and its deprecated name `generate_summary`) is one of
 * OpenAI's summaries; null is no summary.
 */
export function checkReasoning(value: unknown): void {
  if (value === undefined || value === null) {
    return;
  }
  const reasoning = requireRecord(value, 'reasoning');
  optionalString(reasoning, 'effort', 'reasoning.effort');
  for (const key of ['summary', 'generate_summary']) {
    const param = `reasoning.${key}`;
    const summary = optionalString(reasoning, key, param);
    if (summary !== undefined && !REASONING_SUMMARIES.includes(summary)) {
      throw invalidRequest(
        param,
        `Invalid '${param}': expected auto, concise, detailed or none.`,
      );
    }
  }
}
