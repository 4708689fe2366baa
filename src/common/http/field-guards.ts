import { GatewayException } from '../errors/gateway.exception.js';
import { isRecord } from '../is-record.js';

/**
 * Readers of untrusted request fields for the DTOs' field rules
 * (CheckedBy): each returns the field narrowed to its type or throws an
 * invalid_request naming OpenAI's exact `param` (`input[3].call_id`).
 */

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

/** `value` as a JSON object, or an invalid_request naming `param`. */
export function requireRecord(
  value: unknown,
  param: string,
): Record<string, unknown> {
  if (!isRecord(value)) {
    throw invalidRequest(param, `Invalid '${param}': expected an object.`);
  }
  return value;
}
