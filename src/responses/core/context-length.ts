import { GatewayException } from '../../common/errors/gateway.exception.js';

/**
 * The gateway never truncates (`truncation: "auto"` runs like `disabled`).
 * The upstream decoder already turns every backend's "the prompt does not
 * fit" into OpenAI's 400 `context_length_exceeded`, naming the chat
 * request's `messages`; on the Responses API the field at fault is `input`.
 * Any other error is returned as is.
 */
export function asContextLengthError(error: unknown): unknown {
  if (
    !(error instanceof GatewayException) ||
    error.options.openAiCode !== 'context_length_exceeded' ||
    error.param === 'input'
  ) {
    return error;
  }
  return new GatewayException('invalid_request', error.message, {
    param: 'input',
    openAiCode: 'context_length_exceeded',
    cause: error,
  });
}
