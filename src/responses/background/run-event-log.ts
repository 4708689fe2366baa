import type { ResponseStreamEvent } from '../../protocol/responses.types.js';

/** The kept events of a background response after some sequence number. */
export interface RunEvents {
  /** In sequence order, each numbered one more than the one before. */
  events: ResponseStreamEvent[];
  /** The sequence number of the oldest event still kept (older ones were dropped). */
  firstKept: number;
  /** The sequence number the next appended event gets. */
  nextSequence: number;
}

/**
 * The events of background responses, numbered from 0 without gaps, kept
 * for replays (`GET /v1/responses/{id}?stream=true&starting_after=N`)
 * while the run goes on and for a while after its last event. At most
 * `maxEvents` per response: past it the oldest are dropped.
 */
export interface RunEventLog {
  append(id: string, events: readonly ResponseStreamEvent[]): Promise<void>;
  /** The kept events numbered above `after`; undefined when none were ever kept (or they expired). */
  read(id: string, after: number): Promise<RunEvents | undefined>;
  /**
   * Resolves when `id` may have more events: at its next append on this
   * replica, after a short poll for a log other replicas write, or when
   * `signal` aborts. Call it before read(), then await it when read()
   * found nothing new, so an append in between is not missed.
   */
  changed(id: string, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** How a RunEventLog bounds what it keeps. */
export interface RunEventLogOptions {
  maxEvents: number;
  /** Seconds a response's events live after its last append. */
  ttlSeconds: number;
}

/** Wakes the readers of a response on this replica when it gets events. */
export class LocalWakeups {
  private readonly waiting = new Map<string, Set<() => void>>();

  /** Resolves at wake(id), after `timeoutMs` when given, or when `signal` aborts. */
  wait(id: string, signal: AbortSignal, timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.waiting.get(id) ?? new Set();
      this.waiting.set(id, waiters);
      const timer =
        timeoutMs === undefined ? undefined : setTimeout(done, timeoutMs);
      const waiting = this.waiting;
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        waiters.delete(done);
        // The last reader gone: a response no longer appended to here is forgotten.
        if (waiters.size === 0 && waiting.get(id) === waiters) {
          waiting.delete(id);
        }
        resolve();
      }
      waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
      if (signal.aborted) {
        done();
      }
    });
  }

  /** How many responses have readers waiting. */
  get waitedOn(): number {
    return this.waiting.size;
  }

  wake(id: string): void {
    const waiters = this.waiting.get(id);
    if (waiters !== undefined) {
      this.waiting.delete(id);
      waiters.forEach((wake) => wake());
    }
  }
}

interface KeptEvents {
  events: ResponseStreamEvent[];
  firstKept: number;
  expiry?: NodeJS.Timeout;
}

/**
 * How many runs' worth of events (maxEvents each) one process keeps in
 * all: past it the logs least recently appended to are forgotten whole,
 * so finished runs cannot fill the heap before their TTL.
 */
export const IN_MEMORY_RUNS_KEPT = 10;

/** The RunEventLog of one process (no REDIS_URL): the registry is the process. */
export class InMemoryRunEventLog implements RunEventLog {
  /** By last append, oldest first. */
  private readonly logs = new Map<string, KeptEvents>();
  private total = 0;
  private readonly wakeups = new LocalWakeups();

  constructor(private readonly options: RunEventLogOptions) {}

  append(id: string, events: readonly ResponseStreamEvent[]): Promise<void> {
    const kept: KeptEvents = this.logs.get(id) ?? {
      events: [],
      firstKept: events[0]?.sequence_number ?? 0,
    };
    this.forget(id);
    kept.events.push(...events);
    const excess = kept.events.length - this.options.maxEvents;
    if (excess > 0) {
      kept.events.splice(0, excess);
      kept.firstKept += excess;
    }
    kept.expiry = setTimeout(
      () => this.forget(id),
      this.options.ttlSeconds * 1000,
    ).unref();
    this.logs.set(id, kept);
    this.total += kept.events.length;
    this.evictPast(this.options.maxEvents * IN_MEMORY_RUNS_KEPT);
    this.wakeups.wake(id);
    return Promise.resolve();
  }

  read(id: string, after: number): Promise<RunEvents | undefined> {
    const kept = this.logs.get(id);
    if (kept === undefined) {
      return Promise.resolve(undefined);
    }
    const from = Math.max(0, after + 1 - kept.firstKept);
    return Promise.resolve({
      events: kept.events.slice(from),
      firstKept: kept.firstKept,
      nextSequence: kept.firstKept + kept.events.length,
    });
  }

  changed(id: string, signal: AbortSignal): Promise<void> {
    return this.wakeups.wait(id, signal);
  }

  close(): Promise<void> {
    for (const id of [...this.logs.keys()]) {
      this.forget(id);
    }
    return Promise.resolve();
  }

  private forget(id: string): void {
    const kept = this.logs.get(id);
    if (kept !== undefined) {
      clearTimeout(kept.expiry);
      this.total -= kept.events.length;
      this.logs.delete(id);
    }
  }

  /**
   * Forgets the oldest logs until at most `limit` events are kept (never the
   * newest log): finished runs' first, since their final state is stored,
   * and a running run's only when finished ones do not make room.
   */
  private evictPast(limit: number): void {
    for (const finishedOnly of [true, false]) {
      for (const [id, kept] of this.logs) {
        if (this.total <= limit || this.logs.size === 1) {
          return;
        }
        if (!finishedOnly || endsRun(kept.events)) {
          this.forget(id);
        }
      }
    }
  }
}

/** Whether a log ends with its run's terminal event. */
function endsRun(events: readonly ResponseStreamEvent[]): boolean {
  const last = events[events.length - 1];
  return last !== undefined && isTerminalEvent(last);
}

const TERMINAL_EVENTS: ReadonlySet<string> = new Set([
  'response.completed',
  'response.incomplete',
  'response.failed',
]);

/** Whether `event` ends a response's stream. */
export function isTerminalEvent(event: ResponseStreamEvent): boolean {
  return TERMINAL_EVENTS.has(event.type);
}
