import { ValidateBy } from 'class-validator';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import {
  invalidRequest,
  optionalString,
} from '../../common/http/field-guards.js';
import { isRecord } from '../../common/is-record.js';

/** OpenAI's limits on `metadata`. */
const METADATA_MAX_PAIRS = 16;
const METADATA_MAX_KEY = 64;
const METADATA_MAX_VALUE = 512;

/** The reason IsMetadata gives. */
export const METADATA_RULE_MESSAGE = `expected an object of at most ${METADATA_MAX_PAIRS} string values (keys up to ${METADATA_MAX_KEY} characters, values up to ${METADATA_MAX_VALUE})`;

/** An array whose every element is an object (an input item). */
export function IsItemArray(message: string): PropertyDecorator {
  return ValidateBy({
    name: 'isItemArray',
    validator: {
      validate: (value) => Array.isArray(value) && value.every(isRecord),
      defaultMessage: () => message,
    },
  });
}

/** At most 16 string values, keys up to 64 characters and values up to 512. */
export function IsMetadata(message: string): PropertyDecorator {
  return ValidateBy({
    name: 'isMetadata',
    validator: {
      validate: (value) =>
        isRecord(value) &&
        Object.keys(value).length <= METADATA_MAX_PAIRS &&
        Object.entries(value).every(
          ([key, text]) =>
            key.length <= METADATA_MAX_KEY &&
            typeof text === 'string' &&
            text.length <= METADATA_MAX_VALUE,
        ),
      defaultMessage: () => message,
    },
  });
}

/** `background: true` is refused: this gateway runs no background responses. */
export function refuseBackground(value: unknown): void {
  if (value === true) {
    throw new GatewayException(
      'invalid_request',
      'Background responses are not supported by this gateway.',
      { param: 'background', openAiCode: 'unsupported_parameter' },
    );
  }
}

/** A `model` that is a string (IsString) must not be empty. */
export function requireNonEmptyModel(value: unknown): void {
  if (value === '') {
    throw invalidRequest(
      'model',
      `Missing or invalid 'model': expected a non-empty string.`,
    );
  }
}

/** A string field read as is; absent and null are fine. */
export function optionalStringField(value: unknown, param: string): void {
  optionalString({ [param]: value }, param, param);
}
