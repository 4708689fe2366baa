import { createRequire } from 'node:module';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The loaded @nestjs/swagger. */
export type Swagger = typeof import('@nestjs/swagger');

/** Where the document is served, without a key. */
const OPENAPI_JSON_PATH = '/openapi.json';
/** Where Swagger UI is served, without a key. */
const SWAGGER_UI_PATH = '/docs';

/**
 * The routes SwaggerModule.setup(SWAGGER_UI_PATH, app, factory,
 * { jsonDocumentUrl: OPENAPI_JSON_PATH, raw: ['json'] }) registers; it adds
 * the `optional` ones in a try (a Fastify that counts them as duplicates
 * skips them), and so does this.
 */
const SWAGGER_ROUTES: readonly { path: string; optional?: true }[] = [
  { path: `${SWAGGER_UI_PATH}/swagger-ui-init.js` },
  {
    path: `${SWAGGER_UI_PATH}${SWAGGER_UI_PATH}/swagger-ui-init.js`,
    optional: true,
  },
  { path: SWAGGER_UI_PATH },
  { path: `${SWAGGER_UI_PATH}/index.html` },
  { path: `${SWAGGER_UI_PATH}/LICENSE` },
  { path: `${SWAGGER_UI_PATH}/`, optional: true },
  { path: OPENAPI_JSON_PATH },
];

type RouteHandler = (request: FastifyRequest, reply: FastifyReply) => unknown;

export interface SwaggerUiOptions {
  /** Builds the document; called on its first request, once. */
  documentFactory: (swagger: Swagger) => OpenAPIObject;
  customSiteTitle: string;
}

/**
 * Registers Swagger UI's and the document's routes now, as
 * SwaggerModule.setup would, but loads @nestjs/swagger and runs its setup
 * on the first request to one of them: each route then answers with the
 * handler SwaggerModule registered for its path. An idle gateway never
 * holds the package (several MiB of heap).
 */
export function serveSwaggerUiOnFirstRequest(
  app: NestFastifyApplication,
  options: SwaggerUiOptions,
): void {
  let handlers: Promise<Map<string, RouteHandler>> | undefined;
  const loadHandlers = (): Promise<Map<string, RouteHandler>> => {
    handlers ??= swaggerHandlers(app, options).catch((error: unknown) => {
      handlers = undefined; // the next request tries again
      throw error;
    });
    return handlers;
  };
  const adapter = app.getHttpAdapter();
  for (const { path, optional } of SWAGGER_ROUTES) {
    try {
      adapter.get(
        path,
        async (request: FastifyRequest, reply: FastifyReply) => {
          const handler = (await loadHandlers()).get(path);
          if (handler === undefined) {
            throw new Error(`@nestjs/swagger's setup no longer serves ${path}`);
          }
          return handler(request, reply);
        },
      );
    } catch (error) {
      if (optional !== true) {
        throw error;
      }
    }
  }
  serveSwaggerUiAssets(app);
}

/**
 * SwaggerModule.setup run against the app with a recording HTTP adapter:
 * the route handlers it registers, by path.
 */
async function swaggerHandlers(
  app: NestFastifyApplication,
  { documentFactory, customSiteTitle }: SwaggerUiOptions,
): Promise<Map<string, RouteHandler>> {
  const swagger = await import('@nestjs/swagger');
  const handlers = new Map<string, RouteHandler>();
  const recorder = overriding(app.getHttpAdapter(), {
    get: (path: string, handler: RouteHandler) => handlers.set(path, handler),
    // Its static assets are served from start-up (serveSwaggerUiAssets).
    getInstance: () => ({ register: () => undefined }),
  });
  const recordingApp = overriding(app, { getHttpAdapter: () => recorder });
  swagger.SwaggerModule.setup(
    SWAGGER_UI_PATH,
    recordingApp,
    () => documentFactory(swagger),
    { jsonDocumentUrl: OPENAPI_JSON_PATH, raw: ['json'], customSiteTitle },
  );
  return handlers;
}

/** `target` with some methods replaced; the others bound to it. */
function overriding<T extends object>(
  target: T,
  overrides: Record<string, unknown>,
): T {
  return new Proxy(target, {
    get(object, property) {
      if (typeof property === 'string' && property in overrides) {
        return overrides[property];
      }
      const value: unknown = Reflect.get(object, property);
      return typeof value === 'function'
        ? (value.bind(object) as unknown)
        : value;
    },
  });
}

/**
 * Swagger UI's files (swagger-ui-dist) under SWAGGER_UI_PATH, registered as
 * SwaggerModule.setup registers them on Fastify.
 */
function serveSwaggerUiAssets(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .register(async (instance) => {
      const { default: fastifyStatic } = await import('@fastify/static');
      await instance.register(fastifyStatic, {
        root: swaggerUiAssetsPath(),
        prefix: SWAGGER_UI_PATH,
        decorateReply: false,
      });
    });
}

/** swagger-ui-dist's folder, resolved as @nestjs/swagger resolves it. */
function swaggerUiAssetsPath(): string {
  const fromSwagger = createRequire(
    createRequire(import.meta.url).resolve('@nestjs/swagger'),
  );
  const absolutePath = fromSwagger(
    'swagger-ui-dist/absolute-path.js',
  ) as () => string;
  return absolutePath();
}
