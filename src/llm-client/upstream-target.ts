/** One Chat Completions backend the gateway can call. */
export interface UpstreamTarget {
  /** Short name used in logs, metrics and routing. */
  readonly name: string;
  /** Base URL including its version segment, without a trailing slash. */
  readonly baseUrl: string;
  /** Bearer token sent upstream; never logged. */
  readonly apiKey?: string;
  /** Extra headers sent on every request. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Joins a path below the API version onto the upstream base URL.
 * `/models?x=1` on `http://h/v1` gives `http://h/v1/models?x=1`, never `/v1/v1`.
 */
export function upstreamUrl(
  target: UpstreamTarget,
  pathAndQuery: string,
): string {
  const path = pathAndQuery.startsWith('/') ? pathAndQuery : `/${pathAndQuery}`;
  return `${target.baseUrl}${path}`;
}

/** Strips the gateway's own `/v1` prefix from an incoming URL. */
export function pathBelowVersion(url: string): string {
  return url.replace(/^\/v1(?=\/|\?|$)/, '') || '/';
}
