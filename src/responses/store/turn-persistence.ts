import type { Logger } from '@nestjs/common';
import {
  errorStatus,
  type GatewayException,
} from '../../common/errors/gateway.exception.js';
import { normalizeError } from '../../common/errors/normalize-error.js';
import { appendTurn } from '../conversations/conversation-turns.js';
import type { ResponseObject } from '../../protocol/responses.types.js';
import type { PreparedTurn } from '../turn-preparation.service.js';
import { ownerOf, type ResponseStore } from './response-store.js';
import { notStored } from './store-errors.js';
import { withFields } from '../../common/objects/with-fields.js';

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
 * Keeps a finished turn: saves its response (saveResponse), then appends
 * it to the conversation it names, if any (appendTurn: whatever `store`
 * says). A failure of either is the request's (notStored): a stream ends
 * with `response.failed`, a plain answer is the error; when the append
 * fails, the stored response is saved again `failed`, as the client saw it.
 */
export async function persistTurn(
  turn: PreparedTurn,
  shared: ResponseStore,
  logger: Pick<Logger, 'error'>,
): Promise<void> {
  await saveResponse(turn, shared, logger);
  try {
    await appendTurn(withFields(turn, { response: turn.machine.response }));
  } catch (error) {
    const failure = notStored(normalizeError(error));
    // The client is told the turn failed: the stored response says so too.
    await saveResponse(turn, shared, logger, failedBy(turn, failure));
    throw failure;
  }
}

/**
 * The turn's response as the stream ends it when it was not kept
 * (unstoredTerminal; an append failure is never a rate limit).
 */
function failedBy(
  turn: PreparedTurn,
  failure: GatewayException,
): ResponseObject {
  return {
    ...turn.machine.response,
    status: 'failed',
    completed_at: null,
    incomplete_details: null,
    error: { code: 'server_error', message: failure.message },
  };
}

/**
 * Stores a finished turn's response: in the shared store, or with
 * `store: false` in the connection's (WebSocket mode), linked to the
 * response it continues when that one is in the same store: its
 * `previous_response_id`, or the last turn of its `conversation` when
 * nothing changed that conversation since (a copy of the history
 * otherwise, so a conversation of n turns does not take n² items). A turn that
 * failed anyway keeps its own error; a save failure is then only logged.
 */
async function saveResponse(
  turn: PreparedTurn,
  shared: ResponseStore,
  logger: Pick<Logger, 'error'>,
  response: ResponseObject = turn.machine.response,
): Promise<void> {
  const store = turn.request.store === false ? turn.connectionStore : shared;
  if (store === undefined) {
    return;
  }
  try {
    await saveTurnAs(turn, store, response);
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

/**
 * Saves `turn` in `store` with `response` (the finished one, or a
 * background run's queued / in-progress state), linked to the response it
 * continues when that one is in the same store: its `previous_response_id`,
 * or the last turn of its `conversation` when nothing changed that
 * conversation since; a copy of the history otherwise.
 */
export function saveTurnAs(
  turn: PreparedTurn,
  store: ResponseStore,
  response: ResponseObject,
): Promise<void> {
  const previousId =
    turn.request.previous_response_id || turn.conversation?.continues;
  return store.save(
    {
      response,
      history: turn.history,
      inputItems: turn.inputItems,
      ...ownerOf(turn),
    },
    previousId && turn.historyStore === store ? { continues: previousId } : {},
  );
}
