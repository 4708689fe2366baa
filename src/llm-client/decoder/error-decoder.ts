import {
  GatewayException,
  type OpenAiErrorBody,
} from '../../common/errors/gateway.exception.js';
import { numberOr, stringOr } from './raw-fields.js';
import { isRecord } from '../../common/is-record.js';

/** An upstream's error, whatever its shape, as OpenAI's error fields. */
export interface DecodedError {
  message: string | undefined;
  type: string | undefined;
  param: string | null;
  /** OpenAI's code is a string or null; vLLM's numeric code is a status. */
  code: string | null;
  /** A numeric `code` that is an HTTP status (vLLM, SGLang, llama.cpp). */
  status: number | undefined;
  /** The error object's other fields (llama.cpp's `n_ctx`…), kept for the client. */
  extra: Record<string, unknown>;
}

// What vLLM, SGLang, llama.cpp, Ollama, LM Studio, TGI and OpenAI say when
// the prompt is too long for the model.
const CONTEXT_OVERFLOW =
  /context[ _-]?(length|window|size)|maximum context|too many tokens|prompt is too long|exceeds? the (model'?s? )?(max|limit)|does not fit in(to)? (the )?context/i;
const CONTEXT_OVERFLOW_TYPES = new Set([
  'exceed_context_size_error', // llama.cpp
]);

/**
 * Reads an error body in any shape of backend-dialects.md: OpenAI's
 * `{"error":{…}}` (also with a numeric or null code), the flat
 * `{"object":"error","message",…}` of SGLang and older vLLM, LM Studio's
 * `{"error":"text"}` and its streamed `{"error":{"message"},"message"}`.
 * Undefined when `body` is none of these.
 */
export function decodeErrorBody(body: unknown): DecodedError | undefined {
  if (!isRecord(body)) {
    return undefined;
  }
  const error = body['error'];
  if (typeof error === 'string') {
    return decoded({ message: error });
  }
  if (isRecord(error)) {
    return decoded({ message: stringOr(body['message']), ...error });
  }
  if (body['object'] === 'error' || typeof body['message'] === 'string') {
    const { object: _object, ...flat } = body;
    return decoded(flat);
  }
  return undefined;
}

function decoded(error: Record<string, unknown>): DecodedError {
  const { message, type, param, code, ...extra } = error;
  const numericCode = numberOr(code);
  return {
    message: stringOr(message),
    type: stringOr(type),
    param: stringOr(param) ?? null,
    code: stringOr(code) ?? null,
    status:
      numericCode !== undefined && numericCode >= 400 && numericCode < 600
        ? numericCode
        : undefined,
    extra,
  };
}

/** True when an upstream error says the prompt does not fit the model's context. */
function isContextOverflow(
  error: DecodedError | undefined,
  message: string,
): boolean {
  return (
    error?.code === 'context_length_exceeded' ||
    CONTEXT_OVERFLOW_TYPES.has(error?.type ?? '') ||
    CONTEXT_OVERFLOW.test(message)
  );
}

/**
 * The exception for an upstream's error, before or inside the stream.
 * A prompt too long for the model is OpenAI's 400 `context_length_exceeded`
 * (param `messages`, the chat request's field at fault), whatever the
 * backend's status. Any other error keeps its status (`status`, else the
 * error's own numeric code, else 502), so a client error stays 4xx, and its
 * body in OpenAI's shape.
 */
export function upstreamErrorException(
  error: DecodedError | undefined,
  fallbackMessage: string,
  status: number | undefined,
  /** Put before the upstream's own message of an error that is not a context overflow. */
  prefix = '',
): GatewayException {
  const message = error?.message ?? fallbackMessage;
  if (
    isContextOverflow(error, message) &&
    isClientOrInBand(status ?? error?.status)
  ) {
    return new GatewayException('invalid_request', message, {
      param: 'messages',
      openAiCode: 'context_length_exceeded',
    });
  }
  const effective = status ?? error?.status ?? 502;
  const code = effective === 429 ? 'rate_limit_exceeded' : 'upstream_error';
  return new GatewayException('upstream_error', prefix + message, {
    status: effective,
    upstreamBody: error && openAiBody(error, prefix + message, effective, code),
    openAiCode: code,
  });
}

/** In-band (no status, or the 200 of a stream), or a 4xx other than a rate limit. */
function isClientOrInBand(status: number | undefined): boolean {
  return (
    status === undefined ||
    status === 200 ||
    (status >= 400 && status < 500 && status !== 429)
  );
}

/** The upstream's error in OpenAI's shape; without a code of its own, the gateway's. */
function openAiBody(
  error: DecodedError,
  message: string,
  status: number,
  fallbackCode: string,
): OpenAiErrorBody {
  return {
    error: {
      ...error.extra,
      message,
      type:
        error.type ??
        (status < 500 ? 'invalid_request_error' : 'upstream_error'),
      param: error.param,
      code: error.code ?? fallbackCode,
    },
  };
}
