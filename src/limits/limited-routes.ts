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
  '/v1/messages',
  '/:upstream/v1/messages',
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

/** A POST of a model route (chat completions, responses, compact, messages). */
export function isModelRequest(request: FastifyRequest): boolean {
  return request.method === 'POST' && MODEL_ROUTES.has(routeOf(request));
}

/** A request of the pass-through proxy (`/v1/*`, `/{upstream}/v1/*`). */
export function isPassThrough(request: FastifyRequest): boolean {
  return PASS_THROUGH_ROUTES.has(routeOf(request));
}

/**
 * A WebSocket upgrade of the Responses routes: its turns count, not it.
 * Only a GET asking for `Upgrade: websocket` with `Connection: upgrade` is
 * one (the only request Node hands to the WebSocket server); a POST with
 * an Upgrade header is an ordinary request, and counts.
 */
export function isWebSocketUpgrade(request: FastifyRequest): boolean {
  const { upgrade, connection } = request.headers;
  return (
    request.method === 'GET' &&
    upgrade?.trim().toLowerCase() === 'websocket' &&
    connection !== undefined &&
    connection
      .split(',')
      .some((token) => token.trim().toLowerCase() === 'upgrade') &&
    WEBSOCKET_ROUTES.has(routeOf(request))
  );
}
