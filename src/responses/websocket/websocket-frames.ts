import type { RawData } from 'ws';
import { isRecord } from '../../common/is-record.js';
import {
  GatewayException,
  toOpenAiError,
  type OpenAiErrorBody,
} from '../../common/errors/gateway.exception.js';
import { validatedBody } from '../../common/http/validate-request.pipe.js';
import type { WebSocketFormat } from '../../common/sse/websocket-writer.js';
import { asContextLengthError } from '../core/context-length.js';
import type {
  CreateResponseRequest,
  ResponseStreamEvent,
} from '../../protocol/responses.types.js';
import { CreateResponseDto } from '../dto/create-response.dto.js';
import { refuseBackgroundOnSocket } from '../dto/request-field.rules.js';

/** The client event that starts a turn. */
const RESPONSE_CREATE = 'response.create';

/** `{"type":"error","sequence_number","status","error":{…}}` (WebSocketErrorEvent). */
export interface WebSocketErrorEvent {
  type: 'error';
  sequence_number: number;
  status: number;
  error: {
    type: string;
    code: string;
    message: string;
    param: string | null;
  };
}

/**
 * Reads one client text frame: a `response.create` event whose other
 * fields are a normal create body. It is validated like a POST body and
 * returned as a streaming request. `stream` and `stream_options` mean
 * nothing on a socket (every turn streams) and are dropped; `background`
 * is refused (a background response is an HTTP one).
 */
export function parseCreateEvent(text: string): CreateResponseRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new GatewayException(
      'invalid_json',
      'The WebSocket message is not valid JSON.',
    );
  }
  if (!isRecord(parsed)) {
    throw new GatewayException(
      'invalid_request',
      'The WebSocket message must be a JSON object.',
    );
  }
  const { type, ...body } = parsed;
  // Every turn on a socket streams: the HTTP streaming fields mean nothing here.
  delete body['stream'];
  delete body['stream_options'];
  if (type !== RESPONSE_CREATE) {
    throw new GatewayException(
      'invalid_request',
      `Unsupported WebSocket event type ${JSON.stringify(type)}: expected '${RESPONSE_CREATE}'.`,
      { param: 'type', openAiCode: 'invalid_value' },
    );
  }
  const request = validatedBody(body, CreateResponseDto);
  refuseBackgroundOnSocket(request.background);
  return { ...request, stream: true };
}

/**
 * Reads one client message (parseCreateEvent), and tells its length in
 * bytes: the turn's token estimate counts them.
 * @throws GatewayException invalid_request for a binary frame, or a bad event.
 */
export function readCreateMessage(
  data: RawData,
  isBinary: boolean,
): { request: CreateResponseRequest; bytes: number } {
  if (isBinary) {
    throw new GatewayException(
      'invalid_request',
      'Binary WebSocket messages are not supported: send JSON text frames.',
    );
  }
  const bytes = Array.isArray(data)
    ? Buffer.concat(data)
    : data instanceof ArrayBuffer
      ? Buffer.from(data)
      : data;
  return {
    request: parseCreateEvent(bytes.toString('utf8')),
    bytes: bytes.length,
  };
}

/** The WebSocket error event of a failure, numbered after the turn's last event. */
export function errorEvent(
  error: GatewayException,
  sequenceNumber: number,
): WebSocketErrorEvent {
  const mapped = asContextLengthError(error) as GatewayException;
  const { status, body } = toOpenAiError(mapped);
  return errorEventOf(status, body, sequenceNumber, mapped.code);
}

/**
 * The WebSocket error event of what HTTP answers with `status` and `body`
 * (e.g. a key's 429). The event's schema wants a string code: a body
 * without one gets `fallbackCode`.
 */
export function errorEventOf(
  status: number,
  body: OpenAiErrorBody,
  sequenceNumber: number,
  fallbackCode = 'error',
): WebSocketErrorEvent {
  const code = body.error.code;
  return {
    type: 'error',
    sequence_number: sequenceNumber,
    status,
    error: {
      type: body.error.type,
      code: code === null ? fallbackCode : String(code),
      message: body.error.message,
      param: body.error.param,
    },
  };
}

/**
 * Responses events on a socket: one JSON object per text frame. `sequence`
 * tracks the turn's next sequence number, for a closing error event.
 */
export function responsesWebSocketFormat(sequence: {
  next: number;
}): WebSocketFormat<ResponseStreamEvent> {
  return {
    frame: (event) => {
      sequence.next = event.sequence_number + 1;
      return JSON.stringify(event);
    },
    errorFrame: (error) => JSON.stringify(errorEvent(error, sequence.next)),
  };
}
