import { GatewayException } from '../common/errors/gateway.exception.js';

/** The 404 for a response id the store does not hold (unknown, evicted or deleted). */
export function responseNotFound(id: string): GatewayException {
  return new GatewayException(
    'not_found',
    `Response with id '${id}' not found.`,
    {
      param: 'response_id',
      openAiCode: null,
    },
  );
}
