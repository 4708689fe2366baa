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
]);

/** Request headers to send upstream: hop-by-hop dropped, auth replaced. */
export function upstreamRequestHeaders(
  incoming: IncomingHttpHeaders,
  auth: { upstreamApiKey?: string; forwardClientAuth: boolean },
): Record<string, string | string[]> {
  const headers = copyEndToEnd(incoming);
  if (!auth.forwardClientAuth) {
    // The client's key is for the gateway; never leak it upstream.
    delete headers.authorization;
    if (auth.upstreamApiKey) {
      headers.authorization = `Bearer ${auth.upstreamApiKey}`;
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
