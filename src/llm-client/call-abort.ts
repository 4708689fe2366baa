import { EventEmitter } from 'node:events';

/**
 * What aborts one upstream call (see CallTimeouts): an EventEmitter, which
 * undici takes as a request's `signal` as readily as an AbortSignal, with
 * the `aborted` and `reason` an AbortController's signal would have, and
 * undici fails the request with that reason just the same. Node 20 builds
 * an AbortSignal and its listeners (EventTarget) slowly: that cost several
 * percent of a non-streamed request's CPU. `signal` builds a real
 * AbortSignal, aborted with this, for what needs one (a retry's backoff wait).
 */
export class CallAbort extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;
  private controller: AbortController | undefined;

  /** Aborts with `reason` (by default the AbortError an AbortController gives); once. */
  abort(reason: unknown = abortError()): void {
    if (this.aborted) {
      return;
    }
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
    this.emit('abort');
  }

  /** An AbortSignal aborted with this (built on first read). */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.aborted) {
        this.controller.abort(this.reason);
      }
    }
    return this.controller.signal;
  }
}

function abortError(): DOMException {
  return new DOMException('This operation was aborted', 'AbortError');
}
