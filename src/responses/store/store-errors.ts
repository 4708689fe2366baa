import { GatewayException } from '../../common/errors/gateway.exception.js';

/** OpenAI `code` of every failure of the store itself: the client should retry later. */
const STORE_UNAVAILABLE = 'store_unavailable';

/** OpenAI `code` of a turn too large for the in-memory store's byte budget. */
const STORE_ENTRY_TOO_LARGE = 'store_entry_too_large';

/** 503 `store_unavailable`: the store is down, slow or failed the operation. */
export function storeUnavailable(cause?: unknown): GatewayException {
  return new GatewayException(
    'service_unavailable',
    'The response store is unavailable; try again later.',
    { openAiCode: STORE_UNAVAILABLE, cause },
  );
}

/**
 * 413 `store_entry_too_large`: the turn, with the responses it links to,
 * is larger than the store may hold (MEMORY_STORE_MAX_BYTES). Retrying does
 * not help; `store: false` or a new conversation does.
 */
export function conversationTooLarge(
  bytes: number,
  maxBytes: number,
): GatewayException {
  return new GatewayException(
    'payload_too_large',
    `The conversation is too large for the response store (${bytes} bytes; ` +
      `it holds at most ${maxBytes}, MEMORY_STORE_MAX_BYTES). ` +
      'Send store: false, or start a new conversation.',
    { param: 'store', openAiCode: STORE_ENTRY_TOO_LARGE },
  );
}

/**
 * 404 on `previous_response_id`: the response is stored, but an earlier
 * turn it links to is gone (expired, or removed by hand). Never a history
 * silently cut short.
 */
export function conversationIncomplete(id: string): GatewayException {
  return new GatewayException(
    'not_found',
    `The conversation before response '${id}' is no longer stored in full: ` +
      'an earlier response of it expired.',
    {
      param: 'previous_response_id',
      openAiCode: 'previous_response_not_found',
    },
  );
}

/** A save failure as the request reports it: the same status and code, saying what was lost. */
export function notStored(error: GatewayException): GatewayException {
  const reason = error.message.charAt(0).toLowerCase() + error.message.slice(1);
  return new GatewayException(
    error.code,
    `The response could not be stored: ${reason}`,
    { ...error.options, cause: error },
  );
}
