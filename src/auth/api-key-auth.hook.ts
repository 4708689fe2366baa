import type {
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
} from 'fastify';
import type { OpenAiErrorBody } from '../common/errors/gateway.exception.js';
import { noteTenant } from '../common/logging/request-context.js';
import type { TenantDirectory } from '../config/security/tenant-directory.js';
import { setRequestTenant } from './request-tenant.js';

/**
 * Routes that never need a key: the probes of the kubelet, the Prometheus
 * scraper inside the cluster, and the API documentation (the OpenAPI
 * document and Swagger UI's page and assets), which holds no secrets.
 * Matched on the route pattern, so a crafted URL cannot reach anything else
 * through them.
 */
export const OPEN_ROUTES: ReadonlySet<string> = new Set([
  '/health',
  '/ready',
  '/metrics',
  '/openapi.json',
  '/docs',
  '/docs/',
  '/docs/index.html',
  '/docs/swagger-ui-init.js',
  '/docs/*',
]);

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The body OpenAI sends for a missing or wrong key (the key is never echoed). */
export function invalidApiKeyBody(missing: boolean): OpenAiErrorBody {
  return {
    error: {
      message: missing
        ? "You didn't provide an API key. Send it in the Authorization header as Bearer auth (Authorization: Bearer YOUR_KEY), or as x-api-key: YOUR_KEY."
        : 'Incorrect API key provided.',
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_api_key',
    },
  };
}

/** The key of an `Authorization: Bearer <key>` header, else undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}

/**
 * The key a request carries: `Authorization: Bearer <key>` (OpenAI's
 * clients), else `x-api-key: <key>` (Anthropic's clients and Claude Code).
 */
export function requestKey(headers: {
  authorization?: string;
  'x-api-key'?: string | string[];
}): string | undefined {
  const apiKey = headers['x-api-key'];
  return (
    bearerToken(headers.authorization) ??
    (typeof apiKey === 'string' && apiKey.trim() !== ''
      ? apiKey.trim()
      : undefined)
  );
}

/**
 * A Fastify `onRequest` hook that lets a request through only with one of
 * the keys (requestKey: a Bearer token or `x-api-key`), except on
 * OPEN_ROUTES, and
 * records the key's tenant on the request (requestTenant).
 * A Fastify hook rather than a Nest guard, so it also covers the `/v1/*`
 * pass-through plugin, and runs before any body is read. CORS preflights
 * never get here: the CORS hook answers them first.
 * Failures get the OpenAI 401 with `www-authenticate: Bearer` and
 * `connection: close`: Node closes the connection once the 401 is out,
 * without reading the body, so a client without a key cannot make the
 * gateway take in (or wait for) a body.
 */
export function apiKeyAuthHook(
  keys: Pick<TenantDirectory, 'resolve'>,
): (
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
) => void {
  return (request, reply, done) => {
    const route = request.routeOptions.url;
    if (route !== undefined && OPEN_ROUTES.has(route)) {
      done();
      return;
    }
    const token = requestKey(request.headers);
    const tenant = token === undefined ? undefined : keys.resolve(token);
    if (tenant !== undefined) {
      setRequestTenant(request, tenant);
      noteTenant(tenant.label, tenant.metadata);
      done();
      return;
    }
    void reply
      .code(401)
      .header('www-authenticate', 'Bearer')
      .header('connection', 'close')
      .send(invalidApiKeyBody(token === undefined));
  };
}
