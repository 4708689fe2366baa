import type { IncomingMessage } from 'node:http';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Tenant } from '../config/security/tenant.js';

const TENANT = Symbol('gateway.tenant');

type WithTenant = IncomingMessage & { [TENANT]?: Tenant };

/** Records the tenant the auth hook found for this request. */
export function setRequestTenant(
  request: FastifyRequest,
  tenant: Tenant,
): void {
  (request.raw as WithTenant)[TENANT] = tenant;
}

/** The caller of `request`; undefined when inbound auth is off. */
export function requestTenant(
  request: FastifyRequest | IncomingMessage,
): Tenant | undefined {
  const raw = 'raw' in request ? request.raw : request;
  return (raw as WithTenant)[TENANT];
}

/**
 * The caller's tenant as a handler parameter (undefined when inbound auth
 * is off): what the handler may see, use and spend depends on it.
 */
export const CallerTenant = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Tenant | undefined =>
    requestTenant(context.switchToHttp().getRequest<FastifyRequest>()),
);
