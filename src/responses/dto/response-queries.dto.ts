import { GatewayException } from '../../common/errors/gateway.exception.js';
import { CheckedBy } from '../../common/http/checked-by.decorator.js';
import type { ItemListQuery } from '../store/response-store.js';

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

/** Query of GET /v1/responses/{id}: only `stream=false`, or none. */
export class GetResponseQueryDto {
  @CheckedBy(refuseStreamReplay)
  stream?: string;
}

/** Query of GET /v1/responses/{id}/input_items, checked, then parsed. */
export class InputItemsQueryDto {
  @CheckedBy(checkPageSize)
  limit?: string;

  @CheckedBy(checkOrder)
  order?: string;

  after?: string;

  before?: string;

  /** The page asked for: 20 items, newest first, unless told otherwise. */
  toItemListQuery(): ItemListQuery {
    return {
      limit: this.limit === undefined ? DEFAULT_PAGE_SIZE : Number(this.limit),
      order: this.order === 'asc' ? 'asc' : 'desc',
      after: this.after,
      before: this.before,
    };
  }
}

function refuseStreamReplay(stream: unknown): void {
  if (stream === 'true') {
    throw new GatewayException(
      'invalid_request',
      'Replaying a stream is only possible for background responses, which this gateway does not run.',
      { param: 'stream' },
    );
  }
}

function checkPageSize(limit: unknown): void {
  if (limit === undefined) {
    return;
  }
  const size = Number(limit);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new GatewayException(
      'invalid_request',
      `limit must be an integer from 1 to ${MAX_PAGE_SIZE}.`,
      { param: 'limit' },
    );
  }
}

function checkOrder(order: unknown): void {
  if (order !== undefined && order !== 'asc' && order !== 'desc') {
    throw new GatewayException(
      'invalid_request',
      "order must be 'asc' or 'desc'.",
      { param: 'order' },
    );
  }
}
