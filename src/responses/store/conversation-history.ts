import { GatewayException } from '../../common/errors/gateway.exception.js';
import type { ResponseInputItem } from '../../protocol/responses.types.js';
import { conversationItems, type ResponseStore } from './response-store.js';

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
 * at first; an unknown id is a 404 on `previous_response_id`.
 */
export async function historyBefore(
  previousId: string | null | undefined,
  store: ResponseStore,
  connectionStore?: ResponseStore,
): Promise<History> {
  if (!previousId) {
    return { items: [] };
  }
  const inConnection = await connectionStore?.get(previousId);
  const foundIn = inConnection ? connectionStore : store;
  const previous = inConnection ?? (await store.get(previousId));
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
  return { items: conversationItems(previous), foundIn };
}
