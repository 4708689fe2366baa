import { GatewayException } from '../../common/errors/gateway.exception.js';
import { CheckedBy } from '../../common/http/checked-by.decorator.js';
import type { ItemListQuery } from '../store/response-store.js';

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

/** Query of GET /v1/responses/{id}: `stream`, `starting_after`, `include_obfuscation`. */
export class GetResponseQueryDto {
  @CheckedBy((value) => checkBoolean(value, 'stream'))
  stream?: string;

  @CheckedBy(checkStartingAfter)
  starting_after?: string;

  // Accepted and ignored: the gateway adds no obfuscation field.
  @CheckedBy((value) => checkBoolean(value, 'include_obfuscation'))
  include_obfuscation?: string;

  /** Whether the events are asked for (a replay), not the object. */
  get replay(): boolean {
    return this.stream === 'true';
  }

  /** The sequence number after which a replay starts; -1: from the first event. */
  get startingAfter(): number {
    return this.starting_after === undefined ? -1 : Number(this.starting_after);
  }
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

function checkBoolean(value: unknown, param: string): void {
  if (value !== undefined && value !== 'true' && value !== 'false') {
    throw new GatewayException(
      'invalid_request',
      `${param} must be 'true' or 'false'.`,
      { param },
    );
  }
}

function checkStartingAfter(value: unknown): void {
  if (value === undefined) {
    return;
  }
  const after = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(after) || after < -1) {
    throw new GatewayException(
      'invalid_request',
      'starting_after must be an integer sequence number (-1 or more).',
      { param: 'starting_after' },
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
