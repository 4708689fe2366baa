import { Inject, Injectable } from '@nestjs/common';
import { GatewayException } from '../common/errors/gateway.exception.js';
import type { Tenant } from '../config/security/tenant.js';
import type { ResponseObject } from '../protocol/responses.types.js';
import { responseNotFound } from './response-not-found.js';
import {
  pageItems,
  RESPONSE_STORE,
  type ItemList,
  type ItemListQuery,
  type ResponseStore,
  type StoredTurn,
  visibleOnlyTo,
} from './store/response-store.js';

/**
 * The stored side of /v1/responses: retrieve, cancel, delete, input items.
 * `caller` is the request's tenant (undefined when inbound auth is off): a
 * response another key stored is answered exactly as an unknown id is.
 */
@Injectable()
export class StoredResponsesService {
  constructor(@Inject(RESPONSE_STORE) private readonly store: ResponseStore) {}

  async get(id: string, caller?: Tenant): Promise<ResponseObject> {
    return (await this.findOrThrow(id, caller)).response;
  }

  /** Always refused: 400 for a stored response (none runs in the background), else 404. */
  async cancel(id: string, caller?: Tenant): Promise<never> {
    await this.findOrThrow(id, caller);
    throw new GatewayException(
      'invalid_request',
      'Only background responses can be cancelled.',
      { param: 'response_id' },
    );
  }

  /** Deletes only the caller's own response: the store checks the owner as it deletes. */
  async delete(
    id: string,
    caller?: Tenant,
  ): Promise<{ id: string; object: 'response'; deleted: true }> {
    if (!(await this.store.delete(id, visibleOnlyTo(caller)))) {
      throw responseNotFound(id);
    }
    return { id, object: 'response', deleted: true };
  }

  async inputItems(
    id: string,
    query: ItemListQuery,
    caller?: Tenant,
  ): Promise<ItemList> {
    const entry = await this.findOrThrow(id, caller);
    return pageItems(entry.inputItems, query);
  }

  private async findOrThrow(id: string, caller?: Tenant): Promise<StoredTurn> {
    const entry = await this.store.getTurn(id, visibleOnlyTo(caller));
    if (!entry) {
      throw responseNotFound(id);
    }
    return entry;
  }
}
