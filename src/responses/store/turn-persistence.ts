import type { Logger } from '@nestjs/common';
import { errorStatus } from '../../common/errors/gateway.exception.js';
import { normalizeError } from '../../common/errors/normalize-error.js';
import type { PreparedTurn } from '../turn-preparation.service.js';
import { ownerOf, type ResponseStore } from './response-store.js';
import { notStored } from './store-errors.js';

/**
 * A turn that will be stored needs a store that is up: a shared store
 * known to be down refuses it (503 `store_unavailable`) before any model
 * call, instead of answering a response that is then lost.
 */
export function assertStorable(
  turn: { store?: boolean | null },
  store: ResponseStore,
): void {
  if (turn.store !== false) {
    store.assertAvailable();
  }
}

/**
 * Stores a finished turn: in the shared store, or with `store: false` in
 * the connection's (WebSocket mode), linked to the response it continues
 * when that one is in the same store. A failure is the request's
 * (notStored): a stream ends with `response.failed`, a plain answer is the
 * error. A turn that failed anyway keeps its own error; this one is logged.
 */
export async function persistTurn(
  turn: PreparedTurn,
  shared: ResponseStore,
  logger: Pick<Logger, 'error'>,
): Promise<void> {
  const store = turn.request.store === false ? turn.connectionStore : shared;
  if (store === undefined) {
    return;
  }
  const response = turn.machine.response;
  const previousId = turn.request.previous_response_id;
  try {
    await store.save(
      {
        response,
        history: turn.history,
        inputItems: turn.inputItems,
        ...ownerOf(turn),
      },
      previousId && turn.historyStore === store
        ? { continues: previousId }
        : {},
    );
  } catch (error) {
    const failure = notStored(normalizeError(error));
    if (response.status !== 'failed') {
      throw failure;
    }
    logger.error(
      { err: failure, response: response.id },
      'a failed response was not stored',
    );
  }
}

/**
 * persistTurn for a plain (not streamed) answer, whose failure becomes the
 * HTTP error. The error filter logs a 5xx with the request id; a refusal
 * it does not log (the 413 of a turn too large to store) is logged here.
 */
export async function persistPlainTurn(
  turn: PreparedTurn,
  shared: ResponseStore,
  logger: Pick<Logger, 'error' | 'warn'>,
): Promise<void> {
  try {
    await persistTurn(turn, shared, logger);
  } catch (error) {
    const failure = normalizeError(error);
    if (errorStatus(failure).status < 500) {
      logger.warn(
        { err: failure, response: turn.machine.id },
        'the response was not stored',
      );
    }
    throw failure;
  }
}
