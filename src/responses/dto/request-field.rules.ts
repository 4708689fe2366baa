import { ValidateBy } from '../../common/validation/class-validator.js';
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

/** `background: true` needs the response stored (`store` not false), as OpenAI requires. */
export function checkBackground(
  value: unknown,
  body: Record<string, unknown>,
): void {
  if (value === true && body['store'] === false) {
    throw new GatewayException(
      'invalid_request',
      'Background responses must be stored: background: true cannot be used with store: false.',
      { param: 'background' },
    );
  }
}

/** `background: true` on a WebSocket turn: every turn there streams on its socket. */
export function refuseBackgroundOnSocket(value: unknown): void {
  if (value === true) {
    throw new GatewayException(
      'invalid_request',
      'Background responses are not supported over a WebSocket: send them with POST /v1/responses.',
      { param: 'background', openAiCode: 'unsupported_parameter' },
    );
  }
}

/**
 * `conversation`: a conversation id (`conv_…`) or `{id}`, never together
 * with `previous_response_id` (OpenAI's 400 `mutually_exclusive_parameters`).
 */
export function checkConversationParam(
  value: unknown,
  body: Readonly<Record<string, unknown>>,
): void {
  if (value === undefined || value === null) {
    return;
  }
  const id = isRecord(value) ? value.id : value;
  const param = isRecord(value) ? 'conversation.id' : 'conversation';
  if (typeof id !== 'string' || !id.startsWith('conv_')) {
    throw invalidRequest(
      param,
      `Invalid '${param}': ${JSON.stringify(id ?? null)}. Expected an ID that begins with 'conv_'.`,
    );
  }
  const previous = body.previous_response_id;
  if (previous !== undefined && previous !== null) {
    throw new GatewayException(
      'invalid_request',
      "Mutually exclusive parameters. Ensure you are only providing one of: 'previous_response_id' or 'conversation'.",
      { param: null, openAiCode: 'mutually_exclusive_parameters' },
    );
  }
}

/** The id `conversation` names (checked by checkConversationParam), if any. */
export function conversationIdOf(
  value: string | { id: string } | null | undefined,
): string | undefined {
  return typeof value === 'string' ? value : (value?.id ?? undefined);
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
