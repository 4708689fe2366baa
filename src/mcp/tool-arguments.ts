/**
 * A tool call's JSON arguments as an object, or why they are not one.
 * Empty text means no arguments. Pure.
 */
export function parseToolArguments(
  json: string,
): Record<string, unknown> | string {
  if (json.trim() === '') {
    return {};
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return `not valid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'expected a JSON object';
  }
  return value as Record<string, unknown>;
}
