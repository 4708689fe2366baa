import { setMaxListeners } from 'node:events';
import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { gracePeriodOverError } from './grace-end.js';

/**
 * Knows whether the process is draining. On shutdown /ready turns 503 first,
 * so load balancers stop routing new requests while in-flight ones finish.
 *
 * Two signals tell long-lived work what stage the shutdown is at:
 * `drainSignal` (draining started: WebSockets close once their turn is
 * over) and `graceEndSignal` (the grace period is over: streams still
 * running end with `response.failed` or a final error chunk before their
 * connections are cut). Every stream listens to them, so they have no
 * listener limit.
 */
@Injectable()
export class LifecycleStateService implements BeforeApplicationShutdown {
  private drainingSince: number | null = null;
  private readonly drain = new AbortController();
  private readonly graceEnd = new AbortController();

  constructor() {
    setMaxListeners(0, this.drain.signal, this.graceEnd.signal);
  }

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  /** Aborts when draining starts. */
  get drainSignal(): AbortSignal {
    return this.drain.signal;
  }

  /** Aborts, with gracePeriodOverError() as its reason, when the grace period is over. */
  get graceEndSignal(): AbortSignal {
    return this.graceEnd.signal;
  }

  startDraining(): void {
    this.drainingSince ??= Date.now();
    if (!this.drain.signal.aborted) {
      this.drain.abort();
    }
  }

  /** The grace period is over: running streams end now, with a failure event. */
  endGracePeriod(): void {
    this.startDraining();
    if (!this.graceEnd.signal.aborted) {
      this.graceEnd.abort(gracePeriodOverError());
    }
  }

  beforeApplicationShutdown(): void {
    this.startDraining();
  }
}
