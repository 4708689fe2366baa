import { GatewayException } from '../../common/errors/gateway.exception.js';

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
 * @throws GatewayException (400) when the joined URL would leave the base
 * URL: URL parsing resolves `..`, `%2e%2e` and `\` segments, so
 * `/v1/../admin` would otherwise reach `http://h/admin` with the upstream's key.
 */
export function upstreamUrl(
  target: UpstreamTarget,
  pathAndQuery: string,
): string {
  const path = pathAndQuery.startsWith('/') ? pathAndQuery : `/${pathAndQuery}`;
  const url = parseBelow(target.baseUrl, `${target.baseUrl}${path}`);
  if (!url) {
    throw new GatewayException(
      'invalid_request',
      'The request path may not contain dot segments that leave the API root.',
      { openAiCode: 'invalid_path' },
    );
  }
  // The parsed form is what undici would send anyway; what was checked is sent.
  return url.href;
}

/** `url` parsed as undici parses it, when it is on `base`'s origin and below its path. */
function parseBelow(base: string, url: string): URL | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const root = new URL(base);
  const prefix = root.pathname.replace(/\/+$/, '');
  const below =
    parsed.pathname === prefix || parsed.pathname.startsWith(`${prefix}/`);
  return parsed.origin === root.origin && below ? parsed : null;
}

/**
 * Strips the gateway's own `/v1` prefix from an incoming URL. A request
 * target in absolute form (`GET http://host/v1/models`, RFC 9112 §3.2.2)
 * counts by its path and query only: its host never chooses the upstream.
 */
export function pathBelowVersion(url: string): string {
  return originForm(url).replace(/^\/v1(?=\/|\?|$)/, '') || '/';
}

const ABSOLUTE_FORM = /^[a-z][a-z\d+.-]*:\/\//i;

/** The path and query of a request target; an absolute-form target loses its scheme and host. */
export function originForm(url: string): string {
  if (!ABSOLUTE_FORM.test(url)) {
    return url;
  }
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return '/';
  }
}
