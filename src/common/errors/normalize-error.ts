import { HttpException } from '@nestjs/common';
import {
  GatewayException,
  type GatewayErrorCode,
} from './gateway.exception.js';

/** Fastify's own request errors (body parsing, limits) carry these fields. */
interface FastifyLikeError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
}

const FASTIFY_CODES: Record<string, GatewayErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
};

const HTTP_STATUS_CODES: Record<number, GatewayErrorCode> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  503: 'service_unavailable',
};

/**
 * Maps anything thrown while serving a request onto a GatewayException, so
 * one renderer produces every error body. Unknown errors become `internal`.
 */
export function normalizeError(error: unknown): GatewayException {
  if (error instanceof GatewayException) {
    return error;
  }
  if (error instanceof HttpException) {
    // Nest's Fastify adapter wraps body-parser errors; their code says more.
    const parserError = fromFastifyCode(error.cause);
    if (parserError) {
      return parserError;
    }
    const code = HTTP_STATUS_CODES[error.getStatus()] ?? 'invalid_request';
    return new GatewayException(
      error.getStatus() >= 500 ? 'internal' : code,
      httpExceptionMessage(error),
      { cause: error },
    );
  }
  if (error instanceof SyntaxError) {
    // A JSON.parse failure of the request body.
    return new GatewayException(
      'invalid_json',
      `We could not parse the JSON body of your request: ${error.message}`,
      { cause: error },
    );
  }
  const parserError = fromFastifyCode(error);
  if (parserError) {
    return parserError;
  }
  const fastify = error as FastifyLikeError | null;
  if (
    fastify &&
    typeof fastify.statusCode === 'number' &&
    fastify.statusCode >= 400 &&
    fastify.statusCode < 500
  ) {
    return new GatewayException(
      HTTP_STATUS_CODES[fastify.statusCode] ?? 'invalid_request',
      String(fastify.message),
      { cause: error },
    );
  }
  return new GatewayException(
    'internal',
    'The gateway failed to process the request.',
    { cause: error },
  );
}

/** A Fastify request error with a known `FST_ERR_*` code, else null. */
function fromFastifyCode(error: unknown): GatewayException | null {
  const fastify = error as FastifyLikeError | null | undefined;
  const mapped =
    typeof fastify?.code === 'string' ? FASTIFY_CODES[fastify.code] : undefined;
  if (!fastify || !mapped) {
    return null;
  }
  return new GatewayException(mapped, describeFastify(mapped, fastify), {
    cause: error,
  });
}

function describeFastify(code: GatewayErrorCode, error: FastifyLikeError) {
  if (code === 'invalid_json') {
    return `We could not parse the JSON body of your request: ${String(error.message)}`;
  }
  return String(error.message);
}

function httpExceptionMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') {
    return response;
  }
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) {
    return message.join('; ');
  }
  return typeof message === 'string' ? message : error.message;
}
