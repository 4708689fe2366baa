import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { ApiParam } from '../common/http/api-docs-decorators.js';
import { validatedBody } from '../common/http/validate-request.pipe.js';
import type { Tenant } from '../config/security/tenant.js';
import { requestTenant } from './request-tenant.js';

/** What a model-call handler (chat, Responses, Messages) reads of its request. */
export interface CallerRequest<T> {
  /** The JSON body, checked against its DTO as ValidateRequestPipe checks a `@Body()`. */
  readonly body: T;
  readonly headers: IncomingHttpHeaders;
  /** Undefined when inbound auth is off. */
  readonly tenant: Tenant | undefined;
  /** The `:upstream` of `/{upstream}/v1/…`, undefined on the plain path. */
  readonly upstreamName: string | undefined;
}

type BodyDto<T> = new () => T;

/**
 * The body (checked against `dto`), headers, tenant and named upstream of a
 * model-call request, for a handler that takes `@Req()` and `@Res()` only.
 * Nest resolves each decorated parameter of a handler in an async step of
 * its own, most kinds through the global pipe: the five parameters these
 * handlers took made 32 of a non-streamed chat request's 56 promises, each
 * with an async-context hook on Node 20. A bad body is the same 400 as a
 * `@Body()`'s (validatedBody).
 */
export function callerRequestOf<T extends object>(
  request: FastifyRequest,
  dto: BodyDto<T>,
): CallerRequest<T> {
  return {
    body: validatedBody(request.body, dto),
    headers: request.headers,
    tenant: requestTenant(request),
    upstreamName: (request.params as { upstream?: string }).upstream,
  };
}

/**
 * Documents the `upstream` path parameter of a handler whose route has a
 * `/{upstream}/v1/…` path (`@Param('upstream')` documented it before).
 */
export function ApiUpstreamParam(): MethodDecorator {
  return ApiParam({ name: 'upstream', type: String, required: true });
}
