import { GatewayException } from '../common/errors/gateway.exception.js';
import type { ClientAbort } from '../common/http/client-abort.js';
import { CallAbort } from './call-abort.js';

/** The time limits of one upstream call that undici does not enforce. */
export interface CallTimeLimits {
  /** UPSTREAM_TOTAL_TIMEOUT_MS: the whole call, retries and backoff included. */
  totalMs: number;
  /** UPSTREAM_READ_TIMEOUT_MS: in a stream, the longest wait between two events. */
  idleMs: number;
}

type Expiry = 'total' | 'idle';

/**
 * The deadlines of one upstream call beyond undici's own timers, which only
 * measure silence between two bytes: an upstream that trickles a byte a
 * second, or sends nothing but SSE comments (`: ping`), would hold a request
 * forever. This adds a total deadline over the whole call and, once a stream
 * is read (watchEvents), a limit on the wait between two complete events.
 *
 * Either one aborts `signal`, as do the signals (or client) given and cancel().
 * explain() then turns the failure that follows (an AbortError) into
 * `upstream_timeout`, so it is never taken for the client's own
 * cancellation. stop() ends the timers and lets go of what it follows;
 * call it however the call ends.
 */
export class CallTimeouts {
  /** Aborted by either limit, or by any of the signals (or client) given. */
  readonly signal = new CallAbort();
  private readonly totalTimer: NodeJS.Timeout;
  private idleTimer: NodeJS.Timeout | undefined;
  private lastEventAt = 0;
  private expired: Expiry | undefined;

  /** Ends the following of each signal or client given, at stop(). */
  private readonly releases: (() => void)[] = [];

  constructor(
    private readonly limits: CallTimeLimits,
    ...sources: (AbortSignal | ClientAbort | undefined)[]
  ) {
    for (const source of sources) {
      if (this.signal.aborted) {
        break;
      }
      if (source instanceof AbortSignal) {
        this.followSignal(source);
      } else if (source !== undefined) {
        this.releases.push(source.onAbort(() => this.signal.abort()));
      }
    }
    this.totalTimer = setTimeout(() => this.expire('total'), limits.totalMs);
    // An in-flight call keeps the process alive through its socket already.
    this.totalTimer.unref();
  }

  /**
   * Starts timing the waits between stream events; progress() marks each
   * one. One timer per call, not one per event: when it fires it checks how
   * long the stream has really been silent and re-arms for the remainder.
   */
  watchEvents(): void {
    this.lastEventAt = Date.now();
    this.armIdle(this.limits.idleMs);
  }

  /** The stream made progress: an event arrived, or the client let it go on. */
  readonly progress = (): void => {
    this.lastEventAt = Date.now();
  };

  /**
   * `error` as the caller should report it: `upstream_timeout` once a limit
   * ended the call (the error is then only the abort that followed), else
   * `error` itself.
   */
  explain(error: unknown, upstreamName: string): unknown {
    if (this.expired === undefined) {
      return error;
    }
    const message =
      this.expired === 'total'
        ? `The upstream '${upstreamName}' did not finish within ${seconds(this.limits.totalMs)} (UPSTREAM_TOTAL_TIMEOUT_MS).`
        : `The upstream '${upstreamName}' sent no stream event for ${seconds(this.limits.idleMs)} (UPSTREAM_READ_TIMEOUT_MS).`;
    return new GatewayException('upstream_timeout', message, {
      cause: error,
      openAiCode: 'upstream_timeout',
    });
  }

  stop(): void {
    clearTimeout(this.totalTimer);
    clearTimeout(this.idleTimer);
    for (const release of this.releases.splice(0)) {
      release();
    }
  }

  /** Aborts the call, also after stop(): the caller no longer wants it. */
  cancel(): void {
    this.signal.abort();
  }

  /**
   * A listener, not AbortSignal.any: its signal chain cost ~2% of a
   * non-streamed request's CPU (bench/README.md, "Fast paths").
   */
  private followSignal(other: AbortSignal): void {
    if (other.aborted) {
      this.signal.abort(other.reason);
      return;
    }
    const follow = (): void => this.signal.abort(other.reason);
    other.addEventListener('abort', follow);
    this.releases.push(() => other.removeEventListener('abort', follow));
  }

  private armIdle(delayMs: number): void {
    this.idleTimer = setTimeout(() => {
      const silentFor = Date.now() - this.lastEventAt;
      if (silentFor >= this.limits.idleMs) {
        this.expire('idle');
      } else {
        this.armIdle(this.limits.idleMs - silentFor);
      }
    }, delayMs);
    this.idleTimer.unref();
  }

  private expire(kind: Expiry): void {
    if (this.expired !== undefined) {
      return;
    }
    this.expired = kind;
    this.stop();
    this.signal.abort();
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
