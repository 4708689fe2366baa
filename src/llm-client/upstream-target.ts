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
  /**
   * False for a backend whose chat template rejects `role: "tool"` and
   * assistant `tool_calls`; the request is then rewritten into plain text
   * turns before it is sent. Absent means true.
   */
  readonly supportsToolRole?: boolean;
  /**
   * How the backend's models write tool calls as text: `auto`, `none`, a
   * family name or `START,END` markers. Absent means `auto`. The gateway's
   * tool-call parsers read it; the client only carries it.
   */
  readonly toolCallFormat?: string;
}

/** Headers that authenticate to `target`: its own headers and its key. */
export function authHeaders(target: UpstreamTarget): Record<string, string> {
  return {
    ...target.headers,
    ...(target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {}),
  };
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
