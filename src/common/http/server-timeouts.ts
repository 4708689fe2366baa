/**
 * How often Node looks for requests past their headers or request timeout
 * (its default is 30 s). The scan covers only connections that are
 * receiving a request, so it is cheap; a cut comes at most a second late.
 */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/** The three settings, in milliseconds, as the server environment names them. */
interface TimeoutSettings {
  HTTP_REQUEST_TIMEOUT: number;
  HTTP_HEADERS_TIMEOUT: number;
  HTTP_KEEP_ALIVE_TIMEOUT: number;
}

/** The timeouts as Fastify's server options, for createFastifyAdapter. */
export interface ServerTimeoutOptions {
  requestTimeout: number;
  keepAliveTimeout: number;
  connectionTimeout: 0;
  http: {
    requestTimeout: number;
    headersTimeout: number;
    connectionsCheckingInterval: number;
  };
}

/**
 * Node's HTTP server timeouts, which bound only the receiving of a request:
 * - `headersTimeout`: the headers must arrive within HTTP_HEADERS_TIMEOUT of
 *   the connection (or of the request's first byte on a reused one);
 * - `requestTimeout`: the whole request, body included, within
 *   HTTP_REQUEST_TIMEOUT. Node stops the clock once the request is read,
 *   so a response (a stream of many minutes) is never cut by it;
 * - `keepAliveTimeout`: an idle connection between two requests closes
 *   after HTTP_KEEP_ALIVE_TIMEOUT.
 * Both request timeouts surface as a `clientError` (see
 * clientErrorHandler): a 408 where an answer can still be written.
 * `connectionTimeout` (socket inactivity) stays off: a non-streaming call
 * to a reasoning model is legitimately silent for minutes.
 * The headers timeout is at most the request timeout, as Node requires.
 */
export function serverTimeoutOptions(
  settings: TimeoutSettings,
): ServerTimeoutOptions {
  const requestTimeout = settings.HTTP_REQUEST_TIMEOUT * 1000;
  const headersTimeout = Math.min(
    settings.HTTP_HEADERS_TIMEOUT * 1000,
    requestTimeout,
  );
  return {
    requestTimeout,
    keepAliveTimeout: settings.HTTP_KEEP_ALIVE_TIMEOUT * 1000,
    connectionTimeout: 0,
    http: {
      requestTimeout,
      headersTimeout,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    },
  };
}
