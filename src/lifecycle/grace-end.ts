import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { GatewayException } from '../common/errors/gateway.exception.js';
import { normalizeError } from '../common/errors/normalize-error.js';

/**
 * The failure a stream ends with when the shutdown grace period is over
 * while it still runs: a 503 before its first byte, `response.failed` or a
 * final error chunk after it. The client should send the request again (to
 * another replica).
 */
export function gracePeriodOverError(): GatewayException {
  return new GatewayException(
    'service_unavailable',
    'The gateway is shutting down and its grace period for running streams is over; send the request again.',
  );
}

/**
 * Errors the stream with the signal's reason (see gracePeriodOverError) as
 * soon as `graceEnd` aborts, which unsubscribes the source and so aborts its
 * upstream call. Items pass straight through: no operator step per item on
 * the hot path. For Responses streams the event machine turns that error
 * into `response.failed` (or, before `response.created`, an HTTP error).
 */
export function failAtGraceEnd<T>(
  graceEnd: AbortSignal,
): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      const onGraceEnd = (): void =>
        subscriber.error(normalizeError(graceEnd.reason));
      if (graceEnd.aborted) {
        onGraceEnd();
        return undefined;
      }
      graceEnd.addEventListener('abort', onGraceEnd, { once: true });
      subscriber.add(() => graceEnd.removeEventListener('abort', onGraceEnd));
      // The source writes to the subscriber itself, and its teardown joins it.
      source.subscribe(subscriber);
      return undefined;
    });
}

/**
 * Like failAtGraceEnd, for streams whose writer ends an error without a
 * trailer (Chat Completions): once an item went out, the grace end becomes
 * one last item (`finalItem`, the in-band error chunk) and the stream
 * completes, so the client also gets `data: [DONE]`. Before any item it is
 * an error, which the writer answers with an HTTP 503.
 */
export function endAtGraceEnd<T>(
  graceEnd: AbortSignal,
  finalItem: (error: GatewayException) => T,
): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      let emitted = false;
      const onGraceEnd = (): void => {
        const error = normalizeError(graceEnd.reason);
        if (!emitted) {
          subscriber.error(error);
          return;
        }
        subscriber.next(finalItem(error));
        subscriber.complete();
      };
      if (graceEnd.aborted) {
        onGraceEnd();
        return undefined;
      }
      graceEnd.addEventListener('abort', onGraceEnd, { once: true });
      const subscription = source.subscribe({
        next: (item) => {
          emitted = true;
          subscriber.next(item);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        graceEnd.removeEventListener('abort', onGraceEnd);
        subscription.unsubscribe();
      };
    });
}
