import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { ClientAbort } from '../common/http/client-abort.js';
import type { CallAbort } from './call-abort.js';
import type { FlowControl } from '../common/sse/flow-control.js';
import type { UpstreamTarget } from '../config/upstreams/upstream-target.js';

/** Options every upstream call takes. */
export interface UpstreamCallOptions {
  /** Cancels the upstream request; the client's disconnect feeds it. */
  signal?: AbortSignal;
  /** The client of a JSON answer: its going away cancels too, as `signal` would. */
  clientAbort?: ClientAbort;
  /** Which upstream (see UpstreamRouter); the default upstream when omitted. */
  target?: UpstreamTarget;
  /** Extra request headers, e.g. a forwarded client Authorization. */
  headers?: Record<string, string>;
  /** Backpressure from the client socket (streaming only). */
  flow?: FlowControl;
}

/** How a model call sends its request (UpstreamCallContext.send). */
export interface SendOptions {
  /** Extra request headers, e.g. a forwarded client Authorization. */
  headers?: Record<string, string> | undefined;
  /** The call's CallTimeouts signal: aborts the request, also between retries. */
  signal: CallAbort;
}

/** A raw request forwarded as it is. */
export interface ForwardRequest {
  method: Dispatcher.HttpMethod;
  /** Path and query below the version segment, e.g. `/models?limit=2`. */
  pathAndQuery: string;
  /**
   * The client's end-to-end headers. forward() adds the target's own headers
   * and its API key, unless `keepClientAuth` passes the client's Authorization.
   */
  headers: Record<string, string | string[]>;
  keepClientAuth?: boolean;
  body?: Readable | null;
}
