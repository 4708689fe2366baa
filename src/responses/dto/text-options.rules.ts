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

/** Checks `reasoning`: an object whose `effort` is a string. */
export function checkReasoning(value: unknown): void {
  if (value === undefined || value === null) {
    return;
  }
  optionalString(
    requireRecord(value, 'reasoning'),
    'effort',
    'reasoning.effort',
  );
}
