import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from '../common/validation/class-validator.js';
import type { ValidationError } from 'class-validator';

/** Raw environment: the only type that ever holds `process.env`. */
export type RawEnvironment = Record<string, string | undefined>;

/**
 * Turns the raw environment into one validated instance of `schema`.
 * Empty strings count as unset, so `FOO=` in a .env file falls back to the default.
 * Numeric and boolean properties need an explicit annotation (`PORT: number = 80`):
 * implicit conversion follows the emitted `design:type`, which is `Object`
 * for an unannotated initializer, and the text would then fail `@IsInt()`.
 */
export function parseEnvironment<T extends object>(
  schema: ClassConstructor<T>,
  raw: RawEnvironment,
): { value: T; errors: string[] } {
  const present = Object.fromEntries(
    Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''),
  );
  const value = plainToInstance(schema, present, {
    enableImplicitConversion: true,
    exposeDefaultValues: true,
  });
  const errors = validateSync(value, { skipMissingProperties: false }).map(
    describeError,
  );
  return { value, errors };
}

function describeError(error: ValidationError): string {
  const reasons = Object.values(error.constraints ?? {}).join('; ');
  return `${error.property}: ${reasons}`;
}

/**
 * Reads a boolean env flag written as true/false/1/0/yes/no. Use it with
 * `@Transform(toBoolean)` on a property typed `boolean`.
 */
export function toBoolean({
  key,
  obj,
}: {
  key: string;
  obj: Record<string, unknown>;
}): unknown {
  // The raw text, not `value`: implicit conversion has already turned
  // 'false' into Boolean('false') === true.
  const value = obj[key];
  if (typeof value === 'boolean') {
    return value;
  }
  const text = String(value).trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(text)) {
    return true;
  }
  if (['false', '0', 'no', 'off'].includes(text)) {
    return false;
  }
  return value;
}
