/**
 * Backpressure between a slow client socket and the upstream reader.
 * The SSE writer pauses it when a write does not fit the socket buffer and
 * resumes it on 'drain'; the upstream read loop awaits `ready()` before it
 * reads the next network chunk, so TCP backpressure reaches the upstream.
 */
export class FlowControl {
  private waiting: Promise<void> | null = null;
  private release: (() => void) | null = null;

  get paused(): boolean {
    return this.waiting !== null;
  }

  pause(): void {
    if (!this.waiting) {
      this.waiting = new Promise((resolve) => (this.release = resolve));
    }
  }

  resume(): void {
    const release = this.release;
    this.waiting = null;
    this.release = null;
    release?.();
  }

  /** Resolves at once unless paused; then when resumed. */
  ready(): Promise<void> | undefined {
    return this.waiting ?? undefined;
  }
}
