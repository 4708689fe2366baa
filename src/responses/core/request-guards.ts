import { GatewayException } from '../../common/errors/gateway.exception.js';

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The exception for a bad request field, with OpenAI's `param`. */
export function invalidRequest(
  param: string,
  message: string,
): GatewayException {
  return new GatewayException('invalid_request', message, { param });
}

/** `obj[key]` as a non-empty string, or an invalid_request naming `param`. */
export function requireString(
  obj: Record<string, unknown>,
  key: string,
  param: string,
): string {
  const value = obj[key];
  if (typeof value !== 'string' || value === '') {
    throw invalidRequest(
      param,
      `Missing or invalid '${param}': expected a non-empty string.`,
    );
  }
  return value;
}

/** `obj[key]` as a string; absent and null give undefined. */
export function optionalString(
  obj: Record<string, unknown>,
  key: string,
  param: string,
): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw invalidRequest(param, `Invalid '${param}': expected a string.`);
  }
  return value;
}

/** `obj[key]` as a finite number; absent and null give undefined. */
export function optionalNumber(
  obj: Record<string, unknown>,
  key: string,
  param: string,
): number | undefined {
  const value = obj[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidRequest(param, `Invalid '${param}': expected a number.`);
  }
  return value;
}

/** `obj[key]` as a boolean; absent and null give undefined. */
export function optionalBoolean(
  obj: Record<string, unknown>,
  key: string,
  param: string,
): boolean | undefined {
  const value = obj[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'boolean') {
    throw invalidRequest(param, `Invalid '${param}': expected a boolean.`);
  }
  return value;
}

/** `obj[key]` as a JSON object; absent and null give undefined. */
export function optionalRecord(
  obj: Record<string, unknown>,
  key: string,
  param: string,
): Record<string, unknown> | undefined {
  const value = obj[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (!isRecord(value)) {
    throw invalidRequest(param, `Invalid '${param}': expected an object.`);
  }
  return value;
}
