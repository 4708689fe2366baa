import {
  attemptsAfterDisconnect,
  reconnectDelayMs,
  type BackoffPolicy,
} from './mcp-backoff.js';

/**
 * When one server's next connect attempt runs. Each failed attempt doubles
 * the delay; a lost connection goes on from the count it had, unless it had
 * stayed up long enough to count as recovered (see attemptsAfterDisconnect).
 */
export class ReconnectSchedule {
  /** Connect attempts that failed, or connections lost before they were stable. */
  private failedAttempts = 0;
  /** performance.now() when the current connection was established. */
  private connectedSince = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly reconnect: () => void,
  ) {}

  /** The connection is up; the backoff resets only once it proved stable. */
  connected(): void {
    this.connectedSince = performance.now();
  }

  /** A connect attempt failed: schedules the next one; returns its delay. */
  afterFailedAttempt(): number {
    return this.schedule();
  }

  /** An established connection was lost: schedules a reconnect; returns its delay. */
  afterDisconnect(): number {
    this.failedAttempts = attemptsAfterDisconnect(
      this.failedAttempts,
      performance.now() - this.connectedSince,
      this.policy,
    );
    return this.schedule();
  }

  cancel(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private schedule(): number {
    this.cancel();
    const delay = reconnectDelayMs(this.failedAttempts++, this.policy);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.reconnect();
    }, delay);
    this.timer.unref();
    return delay;
  }
}
