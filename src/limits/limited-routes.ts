import type { FastifyRequest } from 'fastify';
import { WEBSOCKET_PATHS } from '../protocol/gateway-headers.js';

/**
 * The routes whose requests call a model: their tokens are estimated and
 * reserved before the handler, and settled from each call's usage.
 */
const MODEL_ROUTES: ReadonlySet<string> = new Set([
  '/v1/chat/completions',
  '/:upstream/v1/chat/completions',
  '/v1/responses',
  '/responses',
  '/:upstream/v1/responses',
  '/v1/responses/compact',
  '/responses/compact',
]);

/** The routes of the pass-through proxy (src/proxy/proxy.routes.ts). */
const PASS_THROUGH_ROUTES: ReadonlySet<string> = new Set([
  '/v1/*',
  '/:upstream/v1/*',
]);

/** The routes a Responses WebSocket is opened on. */
const WEBSOCKET_ROUTES: ReadonlySet<string> = new Set(WEBSOCKET_PATHS);

const routeOf = (request: FastifyRequest): string =>
  request.routeOptions.url ?? '';

/** A POST of a model route (chat completions, responses, compact). */
export function isModelRequest(request: FastifyRequest): boolean {
  return request.method === 'POST' && MODEL_ROUTES.has(routeOf(request));
}

/** A request of the pass-through proxy (`/v1/*`, `/{upstream}/v1/*`). */
export function isPassThrough(request: FastifyRequest): boolean {
  return PASS_THROUGH_ROUTES.has(routeOf(request));
}

/** A WebSocket upgrade of the Responses routes: its turns count, not it. */
export function isWebSocketUpgrade(request: FastifyRequest): boolean {
  return (
    request.headers.upgrade?.toLowerCase() === 'websocket' &&
    WEBSOCKET_ROUTES.has(routeOf(request))
  );
}
