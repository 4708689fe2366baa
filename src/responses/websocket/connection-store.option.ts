import type { ResponseStore } from '../store/response-store.js';

/** Per-request option of a WebSocket turn. */
export interface ConnectionStoreOption {
  /**
   * The connection's own store: `store:false` responses are kept there, and
   * `previous_response_id` is looked up there first, so such a continuation
   * works on the same socket only.
   */
  connectionStore?: ResponseStore;
}
