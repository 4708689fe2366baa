import {
  Injectable,
  type ArgumentMetadata,
  type PipeTransform,
} from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { GatewayException } from '../errors/gateway.exception.js';

/**
 * Checks a JSON body against its class-validator DTO and returns the body
 * untouched. Proxied bodies are never whitelisted: OpenAI adds fields every
 * month, and the gateway forwards what it does not understand. The first bad
 * field becomes OpenAI's `param`.
 */
@Injectable()
export class ValidateBodyPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
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
    const instance = plainToInstance(metadata.metatype, value) as object;
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
