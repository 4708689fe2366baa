import { maxHeaderSize, STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { OpenAiErrorBody } from '../errors/gateway.exception.js';

/** What Node hands a `clientError` listener: llhttp's and the timeouts' errors. */
interface ClientError extends Error {
  code?: string;
  /** llhttp's reason, e.g. "Invalid header value char" (never request bytes). */
  reason?: string;
}

interface ClientErrorAnswer {
  status: number;
  code: string;
  message: string;
}

/** The answer to each client error, as Node itself would pick its status. */
export function clientErrorAnswer(error: ClientError): ClientErrorAnswer {
  switch (error.code ?? '') {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        code: 'request_timeout',
        message:
          'The request was not received in time: its headers must arrive within HTTP_HEADERS_TIMEOUT seconds, and the whole request within HTTP_REQUEST_TIMEOUT seconds.',
      };
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        code: 'request_headers_too_large',
        message: `The request headers are larger than the ${maxHeaderSize} bytes the gateway accepts.`,
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return {
        status: 413,
        code: 'payload_too_large',
        message: 'The chunk extensions of the request body are too large.',
      };
    default:
      return {
        status: 400,
        code: 'invalid_request',
        message: `The request is not valid HTTP/1.1${error.reason ? `: ${error.reason}` : ''}.`,
      };
  }
}

/** A whole HTTP/1.1 answer with the OpenAI error body; it closes the connection. */
export function rawErrorResponse(answer: ClientErrorAnswer): string {
  const body: OpenAiErrorBody = {
    error: {
      message: answer.message,
      type: 'invalid_request_error',
      param: null,
      code: answer.code,
    },
  };
  const json = JSON.stringify(body);
  return [
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(json)}`,
    'Connection: close',
    '',
    json,
  ].join('\r\n');
}

/**
 * True once a response on this socket has sent its headers: another answer
 * would then corrupt it. `_httpMessage` is the response Node's HTTP server
 * has attached to the socket; Node's own clientError fallback checks it.
 */
function responseStarted(socket: Socket): boolean {
  const attached = (socket as Socket & { _httpMessage?: ServerResponse | null })
    ._httpMessage;
  return attached?.headersSent === true;
}

/**
 * Fastify's `clientErrorHandler`: what Node reports on the raw server's
 * `clientError` instead of a request, i.e. malformed HTTP (400), headers
 * over Node's limit (431), and a request whose headers or body did not
 * arrive in time (408). Each gets the OpenAI error body where a response
 * can still be written, then the connection is closed. Only the error's
 * code is logged: the error itself carries `rawPacket`, the request's bytes,
 * Authorization header included.
 */
export function clientErrorHandler(
  logger: Pick<Logger, 'debug'>,
): (error: ClientError, socket: Socket) => void {
  return (error, socket) => {
    // A reset connection is gone already: nothing to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) {
      return;
    }
    const answer = clientErrorAnswer(error);
    logger.debug(
      { code: error.code, status: answer.status },
      'client error: answered before any route',
    );
    if (socket.writable && !responseStarted(socket)) {
      socket.write(rawErrorResponse(answer));
    }
    socket.destroy();
  };
}
