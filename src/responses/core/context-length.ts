import { GatewayException } from '../../common/errors/gateway.exception.js';

// What vLLM, llama.cpp, Ollama, TGI and OpenAI say when the prompt is too long.
const CONTEXT_LENGTH =
  /context[ _-]?(length|window|size)|maximum context|too many tokens|prompt is too long|exceeds? the (model'?s? )?(max|limit)/i;

/**
 * The gateway never truncates (`truncation: "auto"` runs like `disabled`):
 * an upstream 400/413 saying the prompt does not fit becomes OpenAI's 400
 * `context_length_exceeded` (param `input`). Any other error is returned as is.
 */
export function asContextLengthError(error: unknown): unknown {
  if (!(error instanceof GatewayException) || error.code !== 'upstream_error') {
    return error;
  }
  const status = error.options.status;
  const upstreamCode = error.options.upstreamBody?.error.code;
  const matches =
    upstreamCode === 'context_length_exceeded' ||
    ((status === 400 || status === 413) && CONTEXT_LENGTH.test(error.message));
  if (!matches) {
    return error;
  }
  return new GatewayException('invalid_request', error.message, {
    param: 'input',
    openAiCode: 'context_length_exceeded',
    cause: error,
  });
}
