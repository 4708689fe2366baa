import type { Logger } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type {
  ResponseObject,
  ResponseStatus,
  ResponseStreamEvent,
} from '../../protocol/responses.types.js';
import type { ResponseStore } from '../store/response-store.js';
import { saveTurnAs } from '../store/turn-persistence.js';
import type { PreparedTurn } from '../turn-preparation.service.js';
import type { RunCoordination, RunHold } from './run-coordination.js';
import type { RunEventLog } from './run-event-log.js';
import { RunCancelled } from './run-cancelled.js';
import { failRun } from './stale-runs.js';

/** What a background run reads and writes. */
export interface RunDeps {
  store: ResponseStore;
  log: RunEventLog;
  coordination: RunCoordination;
  logger: Pick<Logger, 'warn' | 'error'>;
}

/**
 * One background response running on this replica, detached from the
 * request that started it: it holds the response's lease, stores it
 * `queued` then `in_progress`, appends every event to the event log, and
 * ends when its stream does (the final state is stored by the stream, see
 * ResponsesService.persist). Cancel and the shutdown's grace end stop it;
 * a client that goes away does not.
 */
export class BackgroundRun {
  private readonly appends: AppendQueue;
  /** The status writes, in order; the final state is stored after them. */
  private saving: Promise<void> = Promise.resolve();
  /** Set when the final state could not be stored (see storeFinal). */
  private finalNotStored = false;

  private constructor(
    private readonly turn: PreparedTurn,
    private readonly deps: RunDeps,
    private readonly hold: RunHold,
  ) {
    this.appends = new AppendQueue(deps.log, turn.machine.id, (error) =>
      deps.logger.warn(
        { err: error, response: this.id },
        'events of a background response were not kept',
      ),
    );
  }

  /**
   * Takes the lease (before anything is stored, so no replica takes the
   * response for abandoned) and stores it `queued`: GET finds it at once.
   * A cancel aborts `stopper` with RunCancelled.
   */
  static async begin(
    turn: PreparedTurn,
    deps: RunDeps,
    stopper: AbortController,
  ): Promise<BackgroundRun> {
    const cancel = (): void => {
      if (!stopper.signal.aborted) {
        stopper.abort(new RunCancelled());
      }
    };
    const hold = await deps.coordination.hold(turn.machine.id, cancel);
    const run = new BackgroundRun(turn, deps, hold);
    try {
      await run.save('queued');
    } catch (error) {
      await hold.release();
      throw error;
    }
    return run;
  }

  get id(): string {
    return this.turn.machine.id;
  }

  /** The response as first stored. */
  get queued(): ResponseObject {
    return { ...this.turn.machine.response, status: 'queued' };
  }

  /** Runs the turn's events to their end; resolves once all is stored and let go. */
  run(events$: Observable<ResponseStreamEvent>): Promise<void> {
    return new Promise<void>((resolve) => {
      events$.subscribe({
        next: (event) => {
          this.appends.push(event);
          if (event.type === 'response.in_progress') {
            this.saving = this.saving.then(() => this.save('in_progress'));
          }
        },
        // A failure the stream could not tell in-band (none should).
        error: (error: unknown) => {
          void this.end(error).then(resolve);
        },
        complete: () => {
          void this.end().then(resolve);
        },
      });
    });
  }

  /**
   * After the status writes, stores the final state with `save` when this
   * run is the one to (claimEnd). When that fails (store down) the claim is
   * given back, so that the run's end, or any replica once the store is
   * back, stores it `failed` (failRun) instead of leaving it in progress.
   */
  async storeFinal(save: () => Promise<void>): Promise<void> {
    await this.saving;
    try {
      if (await this.deps.coordination.claimEnd(this.id)) {
        await save();
      }
    } catch (error) {
      this.finalNotStored = true;
      await this.deps.coordination.releaseEnd(this.id).catch(() => undefined);
      throw error;
    }
  }

  private async end(error?: unknown): Promise<void> {
    await this.appends.drained();
    if (error !== undefined) {
      this.deps.logger.error(
        { err: error, response: this.id },
        'a background response ended without a terminal event',
      );
    }
    if (error !== undefined || this.finalNotStored) {
      // Still down: a GET, replay or cancel on any replica ends it once
      // the store is back (settleAbandoned), the lease being let go.
      await failRun(this.deps, this.id, {
        code: 'server_error',
        message: 'The background response stopped unexpectedly.',
      }).catch(() => undefined);
    }
    await this.hold.release().catch(() => undefined);
  }

  /** Stores the response with `status`, as it stands (a failure is logged). */
  private async save(status: ResponseStatus): Promise<void> {
    const turn = this.turn;
    const save = saveTurnAs(turn, this.deps.store, {
      ...turn.machine.response,
      status,
    });
    if (status === 'queued') {
      return save;
    }
    await save.catch((error: unknown) =>
      this.deps.logger.warn(
        { err: error, response: this.id },
        'a background response was not marked in progress',
      ),
    );
  }
}

/** Appends events in order, batching those that arrive while an append is under way. */
class AppendQueue {
  private pending: ResponseStreamEvent[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly log: RunEventLog,
    private readonly id: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  push(event: ResponseStreamEvent): void {
    this.pending.push(event);
    this.flushing ??= this.flush();
  }

  drained(): Promise<void> {
    return this.flushing ?? Promise.resolve();
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      await this.log.append(this.id, batch).catch(this.onError);
    }
    this.flushing = undefined;
  }
}
