import type { FastifyReply, FastifyRequest } from 'fastify';
import { currentRequest } from './request-context.js';

/** Routes polled by probes and scrapers: their lines are at debug, not info. */
const PROBE_ROUTES = new Set(['/health', '/ready', '/metrics']);
/** The status of a response whose connection closed before it ended (nginx's 499). */
const CLOSED_EARLY_STATUS = 499;

/**
 * One access line per request, written when its response ends: for a
 * stream, when the stream ends (or the client went away: status 499). It
 * names the route pattern, never the raw URL (a query may hold a token),
 * the caller's tenant (its key's name, never the key) and the upstream and
 * model of the request's model call, if it made one.
 * Call it from an onRequest hook that runs inside the request's context.
 */
export function logAccess(request: FastifyRequest, reply: FastifyReply): void {
  const startedAt = performance.now();
  const context = currentRequest();
  const raw = reply.raw;
  raw.once('close', () => {
    const route = request.routeOptions.url;
    const status = raw.writableFinished ? raw.statusCode : CLOSED_EARLY_STATUS;
    const line = {
      method: request.method,
      route: route ?? 'unmatched',
      status,
      ms: Math.round(performance.now() - startedAt),
      tenant: context?.tenant,
      tenant_metadata: nonEmpty(context?.tenantMetadata),
      upstream: context?.upstream,
      model: context?.model,
    };
    if (route !== undefined && PROBE_ROUTES.has(route)) {
      request.log.debug(line, 'request');
    } else {
      request.log.info(line, 'request');
    }
  });
}

/** The key's metadata when it has any; an empty object adds nothing to the line. */
function nonEmpty(
  metadata: Readonly<Record<string, string>> | undefined,
): Readonly<Record<string, string>> | undefined {
  return metadata !== undefined && Object.keys(metadata).length > 0
    ? metadata
    : undefined;
}
