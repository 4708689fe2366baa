import {
  Injectable,
  type ArgumentMetadata,
  type PipeTransform,
} from '@nestjs/common';
import { validateSync, type ValidationError } from 'class-validator';
import { GatewayException } from '../errors/gateway.exception.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth.js';

/**
 * Checks a JSON body against its class-validator DTO and returns the body
 * untouched. Proxied bodies are never whitelisted: OpenAI adds fields every
 * month, and the gateway forwards what it does not understand. The first bad
 * field becomes OpenAI's `param`. A body nested deeper than MAX_JSON_DEPTH
 * is refused first, before any recursive code walks it.
 */
@Injectable()
export class ValidateBodyPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'body' && exceedsJsonDepth(value)) {
      throw new GatewayException(
        'invalid_request',
        `The request body is nested more than ${MAX_JSON_DEPTH} levels deep.`,
      );
    }
    if (
      metadata.type !== 'body' ||
      !metadata.metatype ||
      metadata.metatype === Object
    ) {
      return value;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new GatewayException(
        'invalid_request',
        'The request body must be a JSON object.',
      );
    }
    const instance = shallowInstance(metadata.metatype, value);
    const errors = validateSync(instance, { forbidUnknownValues: false });
    if (errors.length > 0) {
      const { param, message } = describe(errors[0]!);
      throw new GatewayException('invalid_request', message, {
        param,
        openAiCode: 'invalid_type',
      });
    }
    return value;
  }
}

/**
 * The body's own top-level fields on an instance of the DTO class, which is
 * all class-validator reads (the DTOs declare no nested types). Not
 * class-transformer's plainToInstance: it copies the whole body, recurses
 * into every level, and throws a TypeError on a nested object whose
 * `constructor` key holds a string. defineProperty, not assignment, so a
 * `__proto__` key stays a plain field; a `constructor` key is left out.
 */
function shallowInstance(
  metatype: abstract new (...args: never[]) => unknown,
  value: object,
): object {
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
  const reasons = Object.values(error.constraints ?? {});
  return {
    param,
    message: `Invalid value for '${param}': ${reasons.join('; ')}.`,
  };
}
