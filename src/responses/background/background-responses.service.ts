import { Inject, Injectable } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type {
  ResponseObject,
  ResponseStreamEvent,
} from '../../protocol/responses.types.js';
import { RESPONSE_STORE, type ResponseStore } from '../store/response-store.js';
import {
  BACKGROUND_BACKEND,
  type BackgroundBackend,
} from './background.providers.js';
import { replayRun } from './background-replay.js';
import { BackgroundRuns } from './background-runs.service.js';
import {
  isUnfinishedBackground,
  settleAbandoned,
  type StaleRunDeps,
} from './stale-runs.js';

/** How long a cancel waits for the run to store its final state before answering. */
const CANCEL_WAIT_MS = 5_000;
/** How often a cancel on another replica than the run's looks at the store. */
const CANCEL_POLL_MS = 100;

/**
 * The stored side of background responses, on any replica: their current
 * state (an abandoned one ends `failed` as it is read), replays of their
 * events, and cancel. The caller has already found the response visible
 * to it.
 */
@Injectable()
export class BackgroundResponses {
  private readonly deps: StaleRunDeps;

  constructor(
    @Inject(RESPONSE_STORE) private readonly store: ResponseStore,
    @Inject(BACKGROUND_BACKEND) backend: BackgroundBackend,
    @Inject(BackgroundRuns)
    private readonly runs: Pick<BackgroundRuns, 'whenEnded'>,
  ) {
    this.deps = {
      store,
      log: backend.log,
      coordination: backend.coordination,
    };
  }

  /** `response` as it stands: `failed` when its replica stopped mid-run. */
  current(response: ResponseObject): Promise<ResponseObject> {
    return settleAbandoned(this.deps, response);
  }

  /** Its events numbered above `after`, live while it runs (replayRun). */
  replay(
    response: ResponseObject,
    after: number,
  ): Observable<ResponseStreamEvent> {
    return replayRun(this.deps.log, response.id, after, async () => {
      const stored = await this.store.getTurn(response.id);
      return (
        stored !== undefined &&
        isUnfinishedBackground(await this.current(stored.response))
      );
    });
  }

  /**
   * Stops a running background response (its upstream call is aborted,
   * it ends `cancelled`) and answers it once stored, waiting at most
   * CANCEL_WAIT_MS; one that already ended is answered as it is.
   */
  async cancel(response: ResponseObject): Promise<ResponseObject> {
    const current = await this.current(response);
    if (!isUnfinishedBackground(current)) {
      return current;
    }
    await this.deps.coordination.requestCancel(current.id);
    const deadline = Date.now() + CANCEL_WAIT_MS;
    const here = this.runs.whenEnded(current.id);
    if (here !== undefined) {
      await Promise.race([here, delay(CANCEL_WAIT_MS)]);
    }
    let latest = current;
    while (Date.now() < deadline) {
      latest = await this.current(
        (await this.store.getTurn(current.id))?.response ?? latest,
      );
      if (!isUnfinishedBackground(latest)) {
        break;
      }
      await delay(CANCEL_POLL_MS);
    }
    return latest;
  }

  /**
   * Before a running background response is deleted: takes its end claim,
   * so its run never stores it again, cancels the run, and waits (at most
   * CANCEL_WAIT_MS) until it let go, its last writes done.
   */
  async stopForDelete(response: ResponseObject): Promise<void> {
    const id = response.id;
    await this.deps.coordination.claimEnd(id);
    await this.deps.coordination.requestCancel(id);
    const here = this.runs.whenEnded(id);
    if (here !== undefined) {
      await Promise.race([here, delay(CANCEL_WAIT_MS)]);
      return;
    }
    const deadline = Date.now() + CANCEL_WAIT_MS;
    while (
      Date.now() < deadline &&
      (await this.deps.coordination.isRunning(id))
    ) {
      await delay(CANCEL_POLL_MS);
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
