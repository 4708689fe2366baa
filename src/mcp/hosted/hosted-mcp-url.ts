import { posix } from 'node:path';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';

/** `%252e` takes two rounds; more than this many is refused, not guessed. */
const MAX_DECODE_ROUNDS = 3;

/**
 * Whether `url` is under one of the prefixes (MCP_REMOTE_SERVERS_ALLOWED):
 * same scheme, host and port, no userinfo, and a path inside the prefix's
 * path. Compared as parsed URLs, so `http://a.com@evil.com/` never passes
 * for `http://a.com`; paths are compared as a server would read them (see
 * normalizedPath), so `/mcp/..%2fadmin` is `/admin`; and a prefix ends at
 * a segment boundary, so `https://h/tools` does not allow `/tools-other`.
 */
export function isAllowedServerUrl(
  url: string,
  prefixes: readonly string[],
): boolean {
  const target = parseHttpUrl(url);
  const targetPath = target && normalizedPath(target.pathname);
  if (!target || targetPath === undefined) {
    return false;
  }
  return prefixes.some((prefix) => {
    const allowed = parseHttpUrl(prefix);
    const allowedPath = allowed && normalizedPath(allowed.pathname);
    return (
      allowed !== undefined &&
      allowedPath !== undefined &&
      allowed.origin === target.origin &&
      target.username === '' &&
      target.password === '' &&
      isUnderPath(targetPath, allowedPath)
    );
  });
}

/**
 * The path as a server that decodes it would see it: percent-decoded until
 * it no longer changes (`%2f` is `/`, `%2e%2e` is `..`), backslashes read
 * as slashes, dot segments resolved and repeated slashes merged.
 * Undefined when it cannot be decoded.
 */
export function normalizedPath(pathname: string): string | undefined {
  let path = pathname;
  for (let round = 0; ; round++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return undefined;
    }
    if (decoded === path) {
      break;
    }
    if (round === MAX_DECODE_ROUNDS) {
      return undefined;
    }
    path = decoded;
  }
  return posix.normalize(`/${path.replaceAll('\\', '/')}`);
}

/**
 * A fetch for the transports of a hosted MCP server that checks every URL
 * against the allowlist before it sends anything: the first request, each
 * redirect hop (redirects are never followed by fetch itself; the MCP SDK
 * follows same-origin ones through this fetch again) and the SSE
 * transport's `endpoint`, where its messages are POSTed. A URL outside the
 * list fails the request; nothing is sent to it.
 */
export function allowlistedFetch(
  prefixes: readonly string[],
  baseFetch: FetchLike = fetch,
): FetchLike {
  return (url, init) => {
    const href = url instanceof URL ? url.href : url;
    if (!isAllowedServerUrl(href, prefixes)) {
      return Promise.reject(
        new Error(
          `Refused to request ${withoutSecrets(href)}: it is outside MCP_REMOTE_SERVERS_ALLOWED (a redirect or an SSE endpoint of the server led there)`,
        ),
      );
    }
    return baseFetch(url, { ...init, redirect: 'manual' });
  };
}

function isUnderPath(path: string, prefixPath: string): boolean {
  return (
    path === prefixPath ||
    path.startsWith(prefixPath.endsWith('/') ? prefixPath : `${prefixPath}/`)
  );
}

function parseHttpUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:'
      ? url
      : undefined;
  } catch {
    return undefined;
  }
}

/** The URL without userinfo, query and fragment, which may carry tokens. */
function withoutSecrets(href: string): string {
  try {
    const url = new URL(href);
    return `${url.origin}${url.pathname}`;
  } catch {
    return 'an invalid URL';
  }
}
