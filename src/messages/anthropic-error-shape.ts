import type {
  FastifyInstance,
  FastifyReply,
  onSendHookHandler,
  RouteOptions,
} from 'fastify';
import { isRecord } from '../common/is-record.js';
import { anthropicErrorOf } from './core/anthropic-errors.js';

/** The routes of the Messages API, as Fastify names them. */
const MESSAGES_ROUTES: ReadonlySet<string> = new Set([
  '/v1/messages',
  '/:upstream/v1/messages',
  '/v1/messages/count_tokens',
  '/:upstream/v1/messages/count_tokens',
  '/v1/v1/messages',
]);

/**
 * Routes both kinds of client read: their errors are Anthropic's for a
 * request that carries `anthropic-version` (the Anthropic SDKs' and Claude
 * Code's `models.list`), OpenAI's otherwise.
 */
const SHARED_ROUTES: ReadonlySet<string> = new Set([
  '/v1/models',
  '/v1/models/*',
]);

/**
 * Answers errors on the Messages routes in Anthropic's shape,
 * `{"type":"error","error":{"type","message"}}`, whoever sent them: the
 * exception filter, the key check, the limits, the body admission or
 * Fastify itself all write OpenAI's shape, which a route-level onSend hook
 * rewrites here, so that no refusal escapes in the wrong shape. Only these
 * routes carry the hook: every other request runs no step of it. Must be
 * installed before the routes are (before app.init()).
 */
export function installAnthropicErrorShape(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const hook = MESSAGES_ROUTES.has(route.url)
      ? anthropicErrorShape
      : SHARED_ROUTES.has(route.url)
        ? anthropicErrorShapeForAnthropicClients
        : undefined;
    if (hook === undefined) {
      return;
    }
    const existing = route.onSend;
    route.onSend = [
      ...(existing === undefined
        ? []
        : Array.isArray(existing)
          ? existing
          : [existing]),
      hook,
    ];
  });
}

const anthropicErrorShape: onSendHookHandler = (
  _request,
  reply,
  payload,
  done,
) => done(null, inAnthropicShape(reply, payload));

const anthropicErrorShapeForAnthropicClients: onSendHookHandler = (
  request,
  reply,
  payload,
  done,
) =>
  done(
    null,
    request.headers['anthropic-version'] === undefined
      ? payload
      : inAnthropicShape(reply, payload),
  );

/** An error payload in Anthropic's shape; any other payload as it is. */
function inAnthropicShape(reply: FastifyReply, payload: unknown): unknown {
  return reply.statusCode < 400 || typeof payload !== 'string'
    ? payload
    : reshaped(reply.statusCode, payload);
}

function reshaped(status: number, payload: string): string {
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    return JSON.stringify(anthropicErrorOf(status, { message: payload }));
  }
  if (!isRecord(body) || body['type'] === 'error') {
    return payload;
  }
  const error = isRecord(body['error']) ? body['error'] : {};
  return JSON.stringify(anthropicErrorOf(status, error));
}
