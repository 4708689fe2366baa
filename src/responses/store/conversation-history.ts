import { GatewayException } from '../../common/errors/gateway.exception.js';
import type { Tenant } from '../../config/security/tenant.js';
import type { ResponseInputItem } from '../../protocol/responses.types.js';
import {
  conversationItems,
  visibleOnlyTo,
  type ResponseStore,
} from './response-store.js';

/** The conversation before a turn, and the store that holds its last response. */
export interface History {
  items: ResponseInputItem[];
  /**
   * Where `previous_response_id` was found: a turn saved into this same
   * store links to it instead of copying `items`.
   */
  foundIn?: ResponseStore;
}

/**
 * The items of every turn before `previousId`, oldest first: its history,
 * its input and its output. The connection store (WebSocket mode) is looked
 * at first; an unknown id, or one another key than `caller` stored, is a
 * 404 on `previous_response_id`.
 */
export async function historyBefore(
  previousId: string | null | undefined,
  store: ResponseStore,
  connectionStore?: ResponseStore,
  caller?: Tenant,
): Promise<History> {
  if (!previousId) {
    return { items: [] };
  }
  const filter = visibleOnlyTo(caller);
  const inConnection = await connectionStore?.get(previousId, filter);
  const foundIn = inConnection ? connectionStore : store;
  const previous = inConnection ?? (await store.get(previousId, filter));
  if (!previous) {
    throw new GatewayException(
      'not_found',
      `Previous response with id '${previousId}' not found.`,
      {
        param: 'previous_response_id',
        openAiCode: 'previous_response_not_found',
      },
    );
  }
  const status = previous.response.status;
  if (status === 'queued' || status === 'in_progress') {
    // A background response still running has no output yet: a turn on
    // it would continue a conversation without its answer.
    throw new GatewayException(
      'invalid_request',
      `Previous response with id '${previousId}' is still ${status}; wait until it has finished.`,
      { param: 'previous_response_id' },
    );
  }
  return { items: conversationItems(previous), foundIn };
}
