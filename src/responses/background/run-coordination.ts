/** A background run's hold on its response, while it runs on this replica. */
export interface RunHold {
  /** Lets go: the response no longer counts as running here. */
  release(): Promise<void>;
}

/**
 * Where the replicas of a gateway agree on background runs: which response
 * a live replica still runs (its lease), the cancel requests that must
 * reach that replica, and who stores a run's final state (a run that
 * ends, or another replica that found it abandoned): exactly one.
 */
export interface RunCoordination {
  /**
   * Takes `id`'s lease before the run starts, kept while it runs;
   * `onCancel` is told (at most once) when any replica asks to cancel it.
   */
  hold(id: string, onCancel: () => void): Promise<RunHold>;
  /** Whether a live replica holds `id`'s lease. */
  isRunning(id: string): Promise<boolean>;
  /** Asks the replica running `id` to cancel it. */
  requestCancel(id: string): Promise<void>;
  /** True for the first claimant only: it stores `id`'s final state. */
  claimEnd(id: string): Promise<boolean>;
  /** Gives back this replica's end claim (its save failed), so another claimant may store the end. */
  releaseEnd(id: string): Promise<void>;
  close(): Promise<void>;
}

/** The RunCoordination of one process (no REDIS_URL): the registry is the process. */
export class InMemoryRunCoordination implements RunCoordination {
  private readonly running = new Map<string, () => void>();
  private readonly ended = new Set<string>();

  hold(id: string, onCancel: () => void): Promise<RunHold> {
    this.running.set(id, onCancel);
    return Promise.resolve({
      release: () => {
        this.running.delete(id);
        this.ended.delete(id);
        return Promise.resolve();
      },
    });
  }

  isRunning(id: string): Promise<boolean> {
    return Promise.resolve(this.running.has(id));
  }

  requestCancel(id: string): Promise<void> {
    this.running.get(id)?.();
    return Promise.resolve();
  }

  claimEnd(id: string): Promise<boolean> {
    if (this.ended.has(id)) {
      return Promise.resolve(false);
    }
    this.ended.add(id);
    return Promise.resolve(true);
  }

  releaseEnd(id: string): Promise<void> {
    this.ended.delete(id);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.running.clear();
    return Promise.resolve();
  }
}
