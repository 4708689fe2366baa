import {
  Injectable,
  type ArgumentMetadata,
  type PipeTransform,
} from '@nestjs/common';
import { validateSync } from '../validation/class-validator.js';
import type { ValidationError } from 'class-validator';
import { GatewayException } from '../errors/gateway.exception.js';
import { builtInReasons, fieldRuleFailure } from './checked-by.decorator.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth.js';
import { quickCheckOf } from './quick-validation.js';

type DtoClass = abstract new (...args: never[]) => unknown;

/** Metatypes that are not DTOs: a parameter typed so is left as it is. */
const PLAIN_TYPES: readonly unknown[] = [
  Object,
  String,
  Number,
  Boolean,
  Array,
];

/**
 * The one request validation path: checks a JSON body or a query string
 * against its class-validator DTO. A body is returned untouched: proxied
 * bodies are never whitelisted, as OpenAI adds fields every month and the
 * gateway forwards what it does not understand. A query comes back as an
 * instance of its DTO, whose methods parse it. A body nested deeper than
 * MAX_JSON_DEPTH is refused first, before any recursive code walks it.
 *
 * Of several bad fields, the first whose type is wrong (a built-in
 * constraint) is reported, else the first whose contents are (a CheckedBy
 * rule), as OpenAI's `param`.
 */
@Injectable()
export class ValidateRequestPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'body') {
      return validateBody(value, metadata.metatype);
    }
    if (metadata.type === 'query' && isDtoClass(metadata.metatype)) {
      const query = typeof value === 'object' && value !== null ? value : {};
      const instance = shallowInstance(metadata.metatype, query);
      assertValid(instance);
      return instance;
    }
    return value;
  }
}

/**
 * A body checked against its DTO, outside Nest's pipes (a WebSocket
 * message): the same checks and errors as an HTTP body's.
 */
export function validatedBody<T extends object>(
  value: unknown,
  dto: new () => T,
): T {
  return validateBody(value, dto) as T;
}

function validateBody(value: unknown, metatype: unknown): unknown {
  if (exceedsJsonDepth(value)) {
    throw new GatewayException(
      'invalid_request',
      `The request body is nested more than ${MAX_JSON_DEPTH} levels deep.`,
    );
  }
  if (!isDtoClass(metatype)) {
    return value;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GatewayException(
      'invalid_request',
      'The request body must be a JSON object.',
    );
  }
  if (quickCheckOf(metatype)?.(value as Record<string, unknown>) === true) {
    return value;
  }
  assertValid(shallowInstance(metatype, value));
  return value;
}

function isDtoClass(metatype: unknown): metatype is DtoClass {
  return typeof metatype === 'function' && !PLAIN_TYPES.includes(metatype);
}

function assertValid(instance: object): void {
  const errors = validateSync(instance, { forbidUnknownValues: false });
  if (errors.length > 0) {
    throw firstFailure(errors);
  }
}

function firstFailure(errors: ValidationError[]): GatewayException {
  const wrongType = errors.find(
    (error) =>
      builtInReasons(error).length > 0 || (error.children?.length ?? 0) > 0,
  );
  if (wrongType) {
    return typeFailure(wrongType);
  }
  for (const error of errors) {
    const failure = fieldRuleFailure(error);
    if (failure) {
      return failure;
    }
  }
  return typeFailure(errors[0]!);
}

function typeFailure(error: ValidationError): GatewayException {
  const { param, message } = describe(error);
  return new GatewayException('invalid_request', message, {
    param,
    openAiCode: 'invalid_type',
  });
}

/**
 * The request's own top-level fields on an instance of the DTO class, which
 * is all class-validator reads (the DTOs declare no nested types). Not
 * class-transformer's plainToInstance: it copies the whole body, recurses
 * into every level, and throws a TypeError on a nested object whose
 * `constructor` key holds a string. defineProperty, not assignment, so a
 * `__proto__` key stays a plain field; a `constructor` key is left out.
 */
function shallowInstance(metatype: DtoClass, value: object): object {
  const instance = Object.create(metatype.prototype as object) as object;
  for (const [key, field] of Object.entries(value)) {
    if (key === 'constructor') {
      // class-validator finds the DTO's rules through `instance.constructor`.
      continue;
    }
    Object.defineProperty(instance, key, {
      value: field,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return instance;
}

function describe(
  error: ValidationError,
  prefix = '',
): { param: string; message: string } {
  const param = prefix ? `${prefix}.${error.property}` : error.property;
  const child = error.children?.[0];
  if (child && !error.constraints) {
    return describe(child, param);
  }
  return {
    param,
    message: `Invalid value for '${param}': ${builtInReasons(error).join('; ')}.`,
  };
}
