import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import type { PreparedTurn } from '../turn-preparation.service.js';

/** How a background run drives its turn (ResponseCallOptions.background). */
export interface BackgroundTurnHooks {
  /** Aborts when the run must stop; its reason is what the turn fails with (RunCancelled on a cancel). */
  stop: AbortSignal;
  /** Told once the turn is prepared, before it starts: stores it `queued`; a rejection is the request's error. */
  prepared(turn: PreparedTurn): Promise<void>;
  /**
   * Stores the final state with `save`, unless another replica already
   * stored it; a failed save is rethrown, and the run then ends it `failed`
   * (now or, from any replica, once the store is back).
   */
  storeFinal(save: () => Promise<void>): Promise<void>;
}

/**
 * Errors the stream with `stop`'s reason, as it is, as soon as it aborts,
 * which unsubscribes the source and so aborts its upstream call (see
 * failAtGraceEnd, which does the same with the shutdown's reason).
 */
export function failWhenStopped<T>(
  stop: AbortSignal,
): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      const onStop = (): void => subscriber.error(stop.reason);
      if (stop.aborted) {
        onStop();
        return undefined;
      }
      stop.addEventListener('abort', onStop, { once: true });
      subscriber.add(() => stop.removeEventListener('abort', onStop));
      source.subscribe(subscriber);
      return undefined;
    });
}
