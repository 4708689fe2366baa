import {
  type ExceptionFilter,
  type INestApplication,
  RequestMethod,
  SetMetadata,
} from '@nestjs/common';
import {
  EXCEPTION_FILTERS_METADATA,
  GUARDS_METADATA,
  HTTP_CODE_METADATA,
  INTERCEPTORS_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
  PIPES_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ModulesContainer } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/internal';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RouteOptions,
} from 'fastify';

const DIRECT_ROUTE = 'gateway:direct-route';

/** A handler of `(@Req() request, @Res() reply)`, as its controller defines it. */
type RawHandler = (request: FastifyRequest, reply: FastifyReply) => unknown;

/**
 * Marks a handler that Fastify calls straight, past Nest's route execution
 * (installDirectRoutes). For the model-call endpoints, whose handlers take
 * the raw request and reply only: Nest's execution context around them
 * (its guards, pipes and interceptors steps, none of which they have, and
 * the result handling a raw reply skips) made 11 of a non-streamed chat
 * request's 24 promises, each with an async-context hook on Node 20, and
 * 3.5% of its instructions (bench/README.md, "Fast paths").
 */
export function DirectRoute(): MethodDecorator {
  return SetMetadata(DIRECT_ROUTE, true);
}

/**
 * Gives every `@DirectRoute()` handler of the app's controllers to Fastify
 * as its route's handler, with the same status code and the same error
 * rendering (`filter`, the app's global exception filter) as Nest's route
 * would have. Must run before the routes are registered (before
 * app.init()); the app fails to start if a direct route's path was never
 * registered, or if a marked handler has anything Nest's route would have
 * run around it (guards, pipes, interceptors, filters, other parameters).
 */
export function installDirectRoutes(
  app: INestApplication,
  fastify: FastifyInstance,
  filter: ExceptionFilter,
): void {
  const handlers = directHandlers(app, filter);
  const unseen = new Set(handlers.keys());
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const key = routeKey(String(route.method), route.url);
    const handler = handlers.get(key);
    if (handler !== undefined) {
      route.handler = handler;
      unseen.delete(key);
    }
  });
  fastify.addHook('onReady', (done) => {
    done(
      unseen.size > 0
        ? new Error(`direct routes never registered: ${[...unseen].join(', ')}`)
        : undefined,
    );
  });
}

type FastifyHandler = (
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<void>;

/** The direct handlers of the app's controllers, by `METHOD /path`. */
function directHandlers(
  app: INestApplication,
  filter: ExceptionFilter,
): Map<string, FastifyHandler> {
  const handlers = new Map<string, FastifyHandler>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const instance = wrapper.instance as object | undefined;
      if (instance === undefined || instance === null) {
        continue;
      }
      for (const [key, handler] of controllerRoutes(instance, filter)) {
        handlers.set(key, handler);
      }
    }
  }
  return handlers;
}

/** The direct routes of one controller instance. */
function controllerRoutes(
  instance: object,
  filter: ExceptionFilter,
): [string, FastifyHandler][] {
  const controller = instance.constructor;
  const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
  const routes: [string, FastifyHandler][] = [];
  for (const name of Object.getOwnPropertyNames(prototype)) {
    const method = prototype[name];
    if (
      typeof method !== 'function' ||
      Reflect.getMetadata(DIRECT_ROUTE, method) !== true
    ) {
      continue;
    }
    assertNothingAround(controller, name, method);
    const handler = directHandler(
      instance,
      method as RawHandler,
      Reflect.getMetadata(HTTP_CODE_METADATA, method) as number | undefined,
      filter,
    );
    const verb =
      RequestMethod[
        Reflect.getMetadata(METHOD_METADATA, method) as RequestMethod
      ];
    for (const path of routePaths(controller, method)) {
      routes.push([routeKey(verb, path), handler]);
    }
  }
  return routes;
}

/**
 * Calls the handler as Nest's route would, less its execution context: the
 * status code first, an error rendered by the exception filter.
 */
function directHandler(
  instance: object,
  method: RawHandler,
  httpCode: number | undefined,
  filter: ExceptionFilter,
): FastifyHandler {
  return (request, reply) => {
    if (httpCode !== undefined) {
      void reply.code(httpCode);
    }
    const rendered = (error: unknown): void => {
      filter.catch(error, new ExecutionContextHost([request, reply]));
    };
    try {
      return Promise.resolve(method.call(instance, request, reply)).then(
        () => undefined,
        rendered,
      );
    } catch (error) {
      rendered(error);
      return Promise.resolve();
    }
  };
}

/** Throws when Nest's route would have run more than the handler. */
function assertNothingAround(
  controller: object,
  name: string,
  method: unknown,
): void {
  const around = [
    GUARDS_METADATA,
    INTERCEPTORS_METADATA,
    PIPES_METADATA,
    EXCEPTION_FILTERS_METADATA,
  ].filter(
    (key) =>
      hasItems(Reflect.getMetadata(key, controller)) ||
      hasItems(Reflect.getMetadata(key, method as object)),
  );
  const args = Object.keys(
    (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ??
      {}) as object,
  ).sort();
  const rawOnly = [
    `${RouteParamtypes.REQUEST}:0`,
    `${RouteParamtypes.RESPONSE}:1`,
  ];
  if (around.length > 0 || args.join() !== rawOnly.join()) {
    throw new Error(
      `${(controller as { name: string }).name}.${name} cannot be a direct route: it must take (@Req(), @Res()) only, with no guards, pipes, interceptors or filters`,
    );
  }
}

function hasItems(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

/** Every path of a handler: each of its controller's paths with each of its own. */
function routePaths(controller: object, method: object): string[] {
  const controllerPaths = asList(
    Reflect.getMetadata(PATH_METADATA, controller),
  );
  const methodPaths = asList(Reflect.getMetadata(PATH_METADATA, method));
  return controllerPaths.flatMap((prefix) =>
    methodPaths.map((path) => joinedPath(prefix, path)),
  );
}

function asList(paths: unknown): string[] {
  if (paths === undefined) {
    return ['/'];
  }
  return Array.isArray(paths) ? (paths as string[]) : [paths as string];
}

/** Two path pieces as Nest joins them: one leading slash, none trailing. */
function joinedPath(prefix: string, path: string): string {
  const pieces = [prefix, path]
    .map((piece) => piece.replace(/^\/+|\/+$/g, ''))
    .filter((piece) => piece.length > 0);
  return `/${pieces.join('/')}`;
}

function routeKey(method: string, url: string): string {
  return `${method} ${url}`;
}
