import { GatewayException } from '../../common/errors/gateway.exception.js';
import type { ResponseInputItem } from '../core/responses.types.js';
import type { ResponseStore } from './response-store.js';

/**
 * The items of every turn before `previousId`, oldest first: its history,
 * its input and its output. The connection store (WebSocket mode) is looked
 * at first; an unknown id is a 404 on `previous_response_id`.
 */
export async function historyBefore(
  previousId: string | null | undefined,
  store: ResponseStore,
  connectionStore?: ResponseStore,
): Promise<ResponseInputItem[]> {
  if (!previousId) {
    return [];
  }
  const previous =
    (await connectionStore?.get(previousId)) ?? (await store.get(previousId));
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
  return [
    ...previous.history,
    ...previous.inputItems,
    ...previous.response.output,
  ];
}
