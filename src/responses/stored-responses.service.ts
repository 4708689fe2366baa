import { Inject, Injectable } from '@nestjs/common';
import { GatewayException } from '../common/errors/gateway.exception.js';
import type { ResponseObject } from '../protocol/responses.types.js';
import { responseNotFound } from './response-not-found.js';
import {
  pageItems,
  RESPONSE_STORE,
  type ItemList,
  type ItemListQuery,
  type ResponseStore,
  type StoredTurn,
} from './store/response-store.js';

/** The stored side of /v1/responses: retrieve, cancel, delete, input items. */
@Injectable()
export class StoredResponsesService {
  constructor(@Inject(RESPONSE_STORE) private readonly store: ResponseStore) {}

  async get(id: string): Promise<ResponseObject> {
    return (await this.findOrThrow(id)).response;
  }

  /** Always refused: 400 for a stored response (none runs in the background), else 404. */
  async cancel(id: string): Promise<never> {
    await this.findOrThrow(id);
    throw new GatewayException(
      'invalid_request',
      'Only background responses can be cancelled.',
      { param: 'response_id' },
    );
  }

  async delete(
    id: string,
  ): Promise<{ id: string; object: 'response'; deleted: true }> {
    if (!(await this.store.delete(id))) {
      throw responseNotFound(id);
    }
    return { id, object: 'response', deleted: true };
  }

  async inputItems(id: string, query: ItemListQuery): Promise<ItemList> {
    const entry = await this.findOrThrow(id);
    return pageItems(entry.inputItems, query);
  }

  private async findOrThrow(id: string): Promise<StoredTurn> {
    const entry = await this.store.getTurn(id);
    if (!entry) {
      throw responseNotFound(id);
    }
    return entry;
  }
}
