import { Inject, Injectable } from '@nestjs/common';
import { GatewayException } from '../common/errors/gateway.exception.js';
import type { Tenant } from '../config/security/tenant.js';
import type { ResponseObject } from '../protocol/responses.types.js';
import type { Observable } from 'rxjs';
import type { ResponseStreamEvent } from '../protocol/responses.types.js';
import { BackgroundResponses } from './background/background-responses.service.js';
import { isUnfinishedBackground } from './background/stale-runs.js';
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
 * The stored side of /v1/responses: retrieve (and replay a background
 * response's events), cancel, delete, input items.
 * `caller` is the request's tenant (undefined when inbound auth is off): a
 * response another key stored is answered exactly as an unknown id is.
 */
@Injectable()
export class StoredResponsesService {
  constructor(
    @Inject(RESPONSE_STORE) private readonly store: ResponseStore,
    private readonly background: BackgroundResponses,
  ) {}

  /** The response; a background one whose replica stopped mid-run is `failed` first. */
  async get(id: string, caller?: Tenant): Promise<ResponseObject> {
    const { response } = await this.findOrThrow(id, caller);
    return isUnfinishedBackground(response)
      ? this.background.current(response)
      : response;
  }

  /**
   * `stream=true`: the events of a background response numbered above
   * `startingAfter` (-1: all), live while it runs; 400 for any other.
   */
  async replay(
    id: string,
    startingAfter: number,
    caller?: Tenant,
  ): Promise<Observable<ResponseStreamEvent>> {
    const { response } = await this.findOrThrow(id, caller);
    if (response.background !== true) {
      throw new GatewayException(
        'invalid_request',
        'Only background responses (created with background: true) can be streamed again.',
        { param: 'stream' },
      );
    }
    return this.background.replay(response, startingAfter);
  }

  /** Cancels a background response (answered as it ends); 400 for any other, else 404. */
  async cancel(id: string, caller?: Tenant): Promise<ResponseObject> {
    const { response } = await this.findOrThrow(id, caller);
    if (response.background !== true) {
      throw new GatewayException(
        'invalid_request',
        'Only background responses can be cancelled.',
        { param: 'response_id' },
      );
    }
    return this.background.cancel(response);
  }

  /**
   * Deletes only the caller's own response: the store checks the owner as
   * it deletes. A running background response is cancelled first, so that
   * its end does not store it again.
   */
  async delete(
    id: string,
    caller?: Tenant,
  ): Promise<{ id: string; object: 'response'; deleted: true }> {
    const running = await this.store.getTurn(id, visibleOnlyTo(caller));
    if (running && isUnfinishedBackground(running.response)) {
      await this.background.stopForDelete(running.response);
    }
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
