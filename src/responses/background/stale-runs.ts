import type {
  ResponseObject,
  ResponseStreamEvent,
} from '../../protocol/responses.types.js';
import type { ResponseStore, StoredResponse } from '../store/response-store.js';
import type { RunCoordination } from './run-coordination.js';
import { isTerminalEvent, type RunEventLog } from './run-event-log.js';

/** What ending a run from outside reads and writes. */
export interface StaleRunDeps {
  store: ResponseStore;
  log: RunEventLog;
  coordination: RunCoordination;
}

/** The error of a background response whose replica stopped (killed, crashed) mid-run. */
const ABANDONED_RUN_ERROR = {
  code: 'server_error',
  message:
    'The gateway replica running this background response stopped before it finished.',
} as const;

/** Whether `response` is a background response that has not ended yet. */
export function isUnfinishedBackground(response: ResponseObject): boolean {
  return (
    response.background === true &&
    (response.status === 'queued' || response.status === 'in_progress')
  );
}

/**
 * The stored response, after ending it `failed` (ABANDONED_RUN_ERROR) when
 * it is a background response that no live replica runs any more: every
 * replica that reads it may do so; one wins (claimEnd), and its terminal
 * event ends the replays.
 */
export async function settleAbandoned(
  deps: StaleRunDeps,
  response: ResponseObject,
): Promise<ResponseObject> {
  if (
    !isUnfinishedBackground(response) ||
    (await deps.coordination.isRunning(response.id))
  ) {
    return response;
  }
  return (
    (await failRun(deps, response.id, ABANDONED_RUN_ERROR)) ??
    (await deps.store.getTurn(response.id))?.response ??
    response
  );
}

/**
 * Ends background response `id` as `failed` with `error`, unless someone
 * already stored its end. When its events already end with a terminal
 * event (the run ended but could not store it), that event's status and
 * error are stored, so GET tells what the replays told; otherwise the
 * terminal event is appended (after `response.created` when the run left
 * none) so replays end. A failed save gives the claim back and throws.
 * Returns the stored response, or undefined when it was not this call's
 * to end.
 */
export async function failRun(
  deps: StaleRunDeps,
  id: string,
  error: { code: string; message: string },
): Promise<ResponseObject | undefined> {
  if (!(await deps.coordination.claimEnd(id))) {
    return undefined;
  }
  try {
    const entry = await storedWithHistory(deps.store, id);
    if (entry === undefined) {
      return undefined;
    }
    const { next, ended } = await endOfLog(deps.log, id);
    const response: ResponseObject = {
      ...entry.response,
      status: ended?.status ?? 'failed',
      error: ended ? ended.error : { ...error },
    };
    const previousId = response.previous_response_id;
    await deps.store.save(
      { ...entry, response },
      previousId ? { continues: previousId } : {},
    );
    if (ended === undefined) {
      await deps.log.append(id, failedEvents(response, next));
    }
    return response;
  } catch (failure) {
    await deps.coordination.releaseEnd(id).catch(() => undefined);
    throw failure;
  }
}

/** The next sequence number of `id`'s events, and the response of their terminal event, if they end with one. */
async function endOfLog(
  log: RunEventLog,
  id: string,
): Promise<{ next: number; ended?: ResponseObject }> {
  const next = (await log.read(id, Number.MAX_SAFE_INTEGER))?.nextSequence ?? 0;
  const last =
    next === 0 ? undefined : (await log.read(id, next - 2))?.events.at(-1);
  // A terminal event carries the response as it ended.
  return last !== undefined && isTerminalEvent(last)
    ? { next, ended: last.response as ResponseObject }
    : { next };
}

/** The events that end a failed response whose events stop before `next`. */
function failedEvents(
  response: ResponseObject,
  next: number,
): ResponseStreamEvent[] {
  return next === 0
    ? [
        { type: 'response.created', sequence_number: 0, response },
        { type: 'response.failed', sequence_number: 1, response },
      ]
    : [{ type: 'response.failed', sequence_number: next, response }];
}

/** The stored turn with its history; only its own turn when the chain is broken. */
async function storedWithHistory(
  store: ResponseStore,
  id: string,
): Promise<StoredResponse | undefined> {
  const whole = await store.get(id).catch(() => undefined);
  if (whole !== undefined) {
    return whole;
  }
  const turn = await store.getTurn(id);
  return turn && { ...turn, history: [] };
}
