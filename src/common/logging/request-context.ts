import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ChatUsage } from '../../protocol/chat-completion.types.js';
import { ObjectSlot } from '../objects/object-slot.js';

/** What the log lines written while serving one request share. */
export interface RequestContext {
  readonly reqId: string;
  /** The label of the caller's key (its name, or `unnamed`) once auth let it in. */
  tenant?: string;
  /** The key's free-form metadata (team, cost centre), for its access line. */
  tenantMetadata?: Readonly<Record<string, string>>;
  /** The upstream and model of the request's latest model call, for its access line. */
  upstream?: string;
  model?: string;
  /**
   * Told the upstream's usage (undefined when it reported none) as each
   * model call of the request ends: the key's token limits settle from it.
   */
  modelCallEnded?: (usage: ChatUsage | undefined) => void;
  /**
   * Work the request started that outlives it (a background response):
   * its model calls still settle the request's tokens, so the request's
   * reservation is only given back once this settles.
   */
  detachedWork?: Promise<void>;
}

const storage = new AsyncLocalStorage<RequestContext>();
const contexts = new ObjectSlot<FastifyRequest, RequestContext>(
  'request context',
);

/** The request being served by the current async context, if any. */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** The context of `request`, if it entered one (even after its async context is gone). */
export function contextOf(request: FastifyRequest): RequestContext | undefined {
  return contexts.get(request);
}

/** Records the model call under way, so the request's access line names it. */
export function noteModelCall(upstream: string, model: string): void {
  const context = storage.getStore();
  if (context) {
    context.upstream = upstream;
    context.model = model;
  }
}

/** Records who is calling, so every later line of the request names the tenant. */
export function noteTenant(
  label: string,
  metadata?: Readonly<Record<string, string>>,
): void {
  const context = storage.getStore();
  if (context) {
    context.tenant = label;
    context.tenantMetadata = metadata;
  }
}

/**
 * Runs `next`, the rest of `request`'s onRequest phase, inside a new
 * RequestContext: every later hook, handler and log line of the request
 * runs in it. Call it from the first onRequest hook.
 */
export function enterRequestContext(
  request: FastifyRequest,
  next: () => void,
): void {
  const context = newRequestContext(String(request.id));
  contexts.set(request, context);
  storage.run(context, next);
}

/** A context of request `reqId` that nothing has noted anything in yet. */
export function newRequestContext(reqId: string): RequestContext {
  return {
    reqId,
    tenant: undefined,
    tenantMetadata: undefined,
    upstream: undefined,
    model: undefined,
    modelCallEnded: undefined,
    detachedWork: undefined,
  };
}

/**
 * Runs `fn` inside `context`, for work that serves a request but does not
 * run in its hooks (a WebSocket turn): its log lines, metrics and model
 * calls belong to that context.
 */
export function runInContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/**
 * The body parser reads the socket from the socket's own async context, so
 * the request's context is entered again once the body is read, before the
 * route handler runs (@fastify/request-context does the same with an
 * AsyncResource; running the storage again is enough here, and cheaper).
 */
export function installRequestContext(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    const context = contexts.get(request);
    if (context === undefined) {
      done();
    } else {
      storage.run(context, done);
    }
  });
}
