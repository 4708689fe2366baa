import { Observable } from 'rxjs';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import type { ResponseStreamEvent } from '../../protocol/responses.types.js';
import type { RunEventLog } from './run-event-log.js';
import { isTerminalEvent } from './run-event-log.js';

/** How often a reader that gets nothing new checks that the run is still alive. */
const LIVENESS_CHECK_MS = 1_000;

/**
 * The events of background response `id` numbered above `after`: those
 * kept, then the new ones as they come, until its terminal event. While
 * nothing new comes it asks `stillRunning` (which ends an abandoned run,
 * see settleAbandoned) every LIVENESS_CHECK_MS. A replay from before the
 * kept events, or of events no longer kept, fails (400) before any event.
 * Unsubscribing stops only this reader, never the run.
 */
export function replayRun(
  log: RunEventLog,
  id: string,
  after: number,
  stillRunning: () => Promise<boolean>,
): Observable<ResponseStreamEvent> {
  return new Observable<ResponseStreamEvent>((subscriber) => {
    const stop = new AbortController();
    const follow = async (): Promise<void> => {
      let last = after;
      // 0: a first read that finds nothing new checks at once (a run that
      // ended, replayed from its terminal event on, ends the replay).
      let checkedAt = 0;
      let sawItEnded = false;
      while (!stop.signal.aborted) {
        const changed = log.changed(id, stop.signal);
        const kept = await log.read(id, last);
        if (kept !== undefined && kept.firstKept > last + 1) {
          throw eventsNotKept(kept.firstKept);
        }
        for (const event of kept?.events ?? []) {
          subscriber.next(event);
          last = event.sequence_number;
          if (isTerminalEvent(event)) {
            return;
          }
        }
        if ((kept?.events.length ?? 0) > 0) {
          continue;
        }
        if (
          kept === undefined ||
          sawItEnded ||
          Date.now() - checkedAt >= LIVENESS_CHECK_MS
        ) {
          checkedAt = Date.now();
          if (!(await stillRunning())) {
            if (kept === undefined) {
              throw eventsNotKept(undefined);
            }
            // Read once more: an abandoned run has just been given its
            // terminal event. A run that ended without one ends the replay.
            if (sawItEnded) {
              return;
            }
            sawItEnded = true;
            continue;
          }
        }
        await changed;
      }
    };
    follow().then(
      () => subscriber.complete(),
      (error: unknown) => subscriber.error(error),
    );
    return () => stop.abort();
  });
}

/** The 400 of a replay that asks for events the gateway no longer keeps. */
function eventsNotKept(firstKept: number | undefined): GatewayException {
  const message =
    firstKept === undefined
      ? 'The events of this background response are no longer kept (BACKGROUND_EVENTS_TTL_SECONDS); retrieve it without stream=true.'
      : `Only the events of this background response after sequence number ${firstKept - 1} are still kept (BACKGROUND_MAX_EVENTS): use starting_after >= ${firstKept - 1}, or retrieve it without stream=true.`;
  return new GatewayException('invalid_request', message, {
    param: 'starting_after',
  });
}
