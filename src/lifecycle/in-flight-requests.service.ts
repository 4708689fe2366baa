import { Injectable } from '@nestjs/common';
import type { ServerResponse } from 'node:http';

/**
 * Counts the requests whose response has not ended, streams included, so a
 * shutdown can wait for them. A response counts until its raw 'close',
 * which fires however it ends (sent, hijacked stream, client gone), unlike
 * Fastify's onResponse.
 */
@Injectable()
export class InFlightRequests {
  private active = 0;
  private idleWaiters: (() => void)[] = [];

  /** Requests in flight now. */
  get count(): number {
    return this.active;
  }

  /** Counts `response` until it closes. */
  track(response: ServerResponse): void {
    this.active++;
    response.once('close', () => this.release());
  }

  /**
   * Counts work that outlives its request (a background response) until
   * the returned function is called (once), so a shutdown waits for it too.
   */
  hold(): () => void {
    this.active++;
    let held = true;
    return () => {
      if (held) {
        held = false;
        this.release();
      }
    };
  }

  private release(): void {
    this.active--;
    if (this.active === 0) {
      this.idleWaiters.splice(0).forEach((wake) => wake());
    }
  }

  /** Resolves once nothing is in flight; at once when nothing is. */
  whenIdle(): Promise<void> {
    if (this.active === 0) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
