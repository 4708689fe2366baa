import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** What the log lines written while serving one request share. */
export interface RequestContext {
  readonly reqId: string;
  /** The upstream and model of the request's latest model call, for its access line. */
  upstream?: string;
  model?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();
const resources = new WeakMap<FastifyRequest, AsyncResource>();

/** The request being served by the current async context, if any. */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** Records the model call under way, so the request's access line names it. */
export function noteModelCall(upstream: string, model: string): void {
  const context = storage.getStore();
  if (context) {
    context.upstream = upstream;
    context.model = model;
  }
}

/**
 * Runs the rest of every request inside its RequestContext. The body parser
 * reads the socket from the socket's own async context, so the context is
 * entered again (from an AsyncResource bound at onRequest) once the body is
 * read, before the route handler runs; @fastify/request-context does the same.
 */
export function installRequestContext(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    storage.run({ reqId: String(request.id) }, () => {
      const resource = new AsyncResource('gateway-request');
      resources.set(request, resource);
      resource.runInAsyncScope(done);
    });
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    const resource = resources.get(request);
    if (resource) {
      resource.runInAsyncScope(done);
    } else {
      done();
    }
  });
}
