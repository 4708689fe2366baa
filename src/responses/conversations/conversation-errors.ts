import { GatewayException } from '../../common/errors/gateway.exception.js';

/**
 * 404 for a conversation id the store does not hold (unknown, expired,
 * deleted, or another key's). `param` is the request's field naming it:
 * `conversation_id` on the conversation routes, `conversation` on
 * POST /v1/responses.
 */
export function conversationNotFound(
  id: string,
  param: 'conversation_id' | 'conversation',
): GatewayException {
  return new GatewayException(
    'not_found',
    `Conversation with id '${id}' not found.`,
    { param, openAiCode: null },
  );
}

/**
 * 400: an item id the conversation (or the request) already holds. Ids name
 * one item each: the item routes and `after` paging find items by id.
 */
export function duplicateItemId(
  itemId: string,
  param: string,
): GatewayException {
  return new GatewayException(
    'invalid_request',
    `Invalid '${param}': the conversation already has an item with id '${itemId}'.`,
    { param },
  );
}

/** 404 for an item id the conversation does not hold. */
export function conversationItemNotFound(itemId: string): GatewayException {
  return new GatewayException(
    'not_found',
    `Item with id '${itemId}' not found.`,
    { param: 'item_id', openAiCode: null },
  );
}

/**
 * 400 `conversation_too_long`: the items would take the conversation past
 * CONVERSATION_MAX_ITEMS. Nothing was added: older items are never dropped
 * behind the client's back; it deletes some, or starts a new conversation.
 */
export function conversationFull(
  maxItems: number,
  param: string,
): GatewayException {
  return new GatewayException(
    'invalid_request',
    `The conversation would hold more than ${maxItems} items ` +
      '(CONVERSATION_MAX_ITEMS). Delete some of its items, or start a new conversation.',
    { param, openAiCode: 'conversation_too_long' },
  );
}

/**
 * 413 `store_entry_too_large`: the conversation alone is larger than the
 * in-memory store may hold (MEMORY_STORE_MAX_BYTES).
 */
export function conversationTooLargeForMemory(
  bytes: number,
  maxBytes: number,
  param: string,
): GatewayException {
  return new GatewayException(
    'payload_too_large',
    `The conversation is too large for the in-memory store (${bytes} bytes; ` +
      `it holds at most ${maxBytes}, MEMORY_STORE_MAX_BYTES).`,
    { param, openAiCode: 'store_entry_too_large' },
  );
}
