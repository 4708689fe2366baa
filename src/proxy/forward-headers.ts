import type { IncomingHttpHeaders } from 'node:http';

/** RFC 9110 §7.6.1 hop-by-hop headers, plus those undici or Node set themselves. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  // undici refuses a request with `expect` (it does no 100-continue).
  'expect',
]);

/**
 * Client credentials other than Authorization: API-key headers of the
 * OpenAI-compatible dialects (Anthropic, Azure, Gemini…) and the browser's
 * cookies. They are for the gateway, or for nobody, unless
 * FORWARD_CLIENT_CREDENTIALS names them. (`proxy-authorization` is
 * hop-by-hop, so it never leaves either.)
 */
const CLIENT_CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  'cookie',
  'x-api-key',
  'api-key',
  'x-goog-api-key',
  'x-auth-token',
]);

/** How a pass-through treats the client's credentials. */
export interface ClientCredentialPolicy {
  /** Replaces the client's Authorization unless it is forwarded. */
  upstreamApiKey?: string;
  /** FORWARD_CLIENT_AUTH: the client's Authorization goes upstream. */
  forwardClientAuth: boolean;
  /** FORWARD_CLIENT_CREDENTIALS: these credential headers go upstream too. */
  forwardClientCredentials?: readonly string[];
}

/**
 * Request headers to send upstream: hop-by-hop dropped, the client's
 * credentials dropped (Authorization replaced) unless the policy forwards
 * them.
 */
export function upstreamRequestHeaders(
  incoming: IncomingHttpHeaders,
  policy: ClientCredentialPolicy,
): Record<string, string | string[]> {
  const headers = copyEndToEnd(incoming);
  const forwarded = new Set(policy.forwardClientCredentials);
  for (const name of CLIENT_CREDENTIAL_HEADERS) {
    if (!forwarded.has(name)) {
      delete headers[name];
    }
  }
  if (!policy.forwardClientAuth) {
    // The client's key is for the gateway; never leak it upstream.
    delete headers.authorization;
    if (policy.upstreamApiKey) {
      headers.authorization = `Bearer ${policy.upstreamApiKey}`;
    }
  }
  return headers;
}

/** Response headers to return to the client: hop-by-hop dropped. */
export function clientResponseHeaders(
  upstream: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  return copyEndToEnd(upstream);
}

function copyEndToEnd(
  source: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const connection = Object.entries(source)
    .filter(([name]) => name.toLowerCase() === 'connection')
    .map(([, value]) => String(value ?? ''))
    .join(',');
  const listedInConnection = new Set(
    connection
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(source)) {
    const lower = name.toLowerCase();
    if (
      value === undefined ||
      HOP_BY_HOP.has(lower) ||
      listedInConnection.has(lower)
    ) {
      continue;
    }
    headers[lower] = value;
  }
  return headers;
}
