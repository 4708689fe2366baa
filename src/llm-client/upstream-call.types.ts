import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { FlowControl } from '../common/sse/flow-control.js';
import type { UpstreamTarget } from '../config/upstreams/upstream-target.js';

/** Options every upstream call takes. */
export interface UpstreamCallOptions {
  /** Cancels the upstream request; the client's disconnect feeds it. */
  signal?: AbortSignal;
  /** Which upstream (see UpstreamRouter); the default upstream when omitted. */
  target?: UpstreamTarget;
  /** Extra request headers, e.g. a forwarded client Authorization. */
  headers?: Record<string, string>;
  /** Backpressure from the client socket (streaming only). */
  flow?: FlowControl;
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
