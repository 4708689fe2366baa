import type { RequestContext } from '../common/logging/request-context.js';
import type { LimitStore, TokenReservation } from './limit-store.js';
import { usedTokens } from './token-estimate.js';

/**
 * Replaces `reservation` by the usage of each model call made in `context`
 * (an HTTP request or a WebSocket turn; ModelCallSummary tells
 * `modelCallEnded`), the first one with usage replacing the estimate, the
 * others counted on top. A call that reported no usage (a stream cut
 * short) keeps the estimate.
 *
 * Returns what to call once the request or turn is over: it gives the
 * estimate back when no model call started (once the request's
 * `detachedWork`, if any, is over too) (noteModelCall names the model
 * once one does). Calling it early, or twice, is harmless: a call that
 * starts later is still counted, on top of nothing.
 */
export function settleFromModelCalls(
  store: LimitStore,
  context: RequestContext,
  reservation: TokenReservation,
): () => void {
  let reserved = reservation;
  const replace = (used: number): void => {
    void store.settle(reserved, used);
    reserved = { ...reserved, tokens: 0 };
  };
  context.modelCallEnded = (usage) => {
    const used = usedTokens(usage);
    if (used !== undefined) {
      replace(used);
    }
  };
  const giveBackUnused = (): void => {
    if (context.model === undefined && reserved.tokens > 0) {
      replace(0);
    }
  };
  return () => {
    // A background response runs on after its request: it settles at its end.
    const detached = context.detachedWork;
    if (detached === undefined) {
      giveBackUnused();
    } else {
      void detached.then(giveBackUnused, giveBackUnused);
    }
  };
}
