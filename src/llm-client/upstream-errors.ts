import { isAbortError } from '../common/errors/is-abort-error.js';

export { isAbortError };
import { GatewayException } from '../common/errors/gateway.exception.js';
import {
  decodeErrorBody,
  upstreamErrorException,
} from './decoder/error-decoder.js';

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

/**
 * Failures before the request reached the upstream, so it is safe to send
 * again: nothing was processed there.
 */
const CONNECT_FAILURE_CODES = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** The code of a failure to connect (safe to retry), else undefined. */
export function connectFailureCode(error: unknown): string | undefined {
  const code = errorCode(error);
  return code && CONNECT_FAILURE_CODES.has(code) ? code : undefined;
}

/**
 * Awaits one request to `target`, mapping a transport failure onto a
 * GatewayException; our own abort passes through as it is.
 */
export async function upstreamCall<T>(
  target: { name: string },
  call: Promise<T>,
): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw isAbortError(error) ? error : toUpstreamException(error, target.name);
  }
}

/** Maps a transport failure towards the upstream onto a GatewayException. */
export function toUpstreamException(
  error: unknown,
  upstreamName: string,
): GatewayException {
  if (error instanceof GatewayException) {
    return error;
  }
  const code = errorCode(error);
  // AbortSignal.timeout() rejects with a DOMException named TimeoutError.
  if ((code && TIMEOUT_CODES.has(code)) || isTimeoutError(error)) {
    return new GatewayException(
      'upstream_timeout',
      `The upstream '${upstreamName}' did not answer in time (${code ?? 'timeout'}).`,
      { cause: error, openAiCode: 'upstream_timeout' },
    );
  }
  if (code && UNREACHABLE_CODES.has(code)) {
    return new GatewayException(
      'upstream_unreachable',
      `The upstream '${upstreamName}' could not be reached (${code}).`,
      { cause: error, openAiCode: 'upstream_unreachable' },
    );
  }
  return new GatewayException(
    'upstream_unreachable',
    `The request to the upstream '${upstreamName}' failed: ${errorMessage(error)}`,
    { cause: error, openAiCode: 'upstream_unreachable' },
  );
}

/**
 * The error for a non-2xx upstream answer: same status (a prompt too long
 * for the model becomes OpenAI's 400 `context_length_exceeded`), and the
 * upstream's own error, in whatever shape it came, in OpenAI's.
 */
export function upstreamStatusException(
  status: number,
  bodyText: string,
  upstreamName: string,
): GatewayException {
  return upstreamErrorException(
    decodeErrorBody(parseJson(bodyText)),
    `The upstream '${upstreamName}' answered HTTP ${status}${bodyText ? `: ${bodyText.slice(0, 500)}` : '.'}`,
    status,
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: the caller describes the raw text instead.
    return undefined;
  }
}

function isTimeoutError(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'TimeoutError';
}

function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | null;
  if (typeof e?.code === 'string') {
    return e.code;
  }
  return typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
