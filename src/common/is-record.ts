/**
 * A JSON object: not null and not an array. Every reader of untrusted JSON
 * (request bodies, config files, upstream answers, tool results) checks
 * with this before it reads a field.
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
