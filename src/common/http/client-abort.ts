import type { ServerResponse } from 'node:http';

/**
 * Tells when the client goes away before its reply was fully written, so a
 * non-streaming upstream call stops too. The raw response's 'close' is used:
 * the request's 'close' fires once its body is read.
 *
 * Most clients stay, and Node 20 builds an AbortSignal slowly: `signal` is
 * built only when something reads it, and onAbort() listens without one.
 */
export class ClientAbort {
  private gone = false;
  private controller: AbortController | undefined;
  private listeners: (() => void)[] | undefined;

  /** `raw`: the reply's raw response. */
  constructor(private readonly raw: ServerResponse) {
    // A client can leave while a hook still runs: its 'close' came already.
    if (raw.closed) {
      this.gone = !raw.writableFinished;
    } else {
      raw.once('close', this.onClose);
    }
  }

  /** An AbortSignal that aborts when the client goes away (built on first read). */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.gone) {
        this.controller.abort();
      }
    }
    return this.controller.signal;
  }

  /**
   * Calls `listener` once when the client goes away, at once if it has
   * already; the function returned stops listening.
   */
  onAbort(listener: () => void): () => void {
    if (this.gone) {
      listener();
      return noop;
    }
    (this.listeners ??= []).push(listener);
    return () => {
      const index = this.listeners?.indexOf(listener) ?? -1;
      if (index !== -1) {
        this.listeners?.splice(index, 1);
      }
    };
  }

  private readonly onClose = (): void => {
    if (this.raw.writableFinished) {
      return;
    }
    this.gone = true;
    this.controller?.abort();
    const listeners = this.listeners ?? [];
    this.listeners = undefined;
    for (const listener of listeners) {
      listener();
    }
  };
}

function noop(): void {}
