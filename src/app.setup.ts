import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ConfigType } from '@nestjs/config';
import {
  FastifyAdapter,
  type NestFastifyApplication,
} from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import type { Logger } from 'pino';
import { apiKeyAuthHook } from './auth/api-key-auth.hook.js';
import { corsOptions } from './auth/cors-options.js';
import { OpenAiExceptionFilter } from './common/errors/openai-exception.filter.js';
import { ValidateBodyPipe } from './common/http/validate-body.pipe.js';
import { PinoNestLogger } from './common/logging/pino-nest-logger.js';
import { createLogger } from './common/logging/create-logger.js';
import { readEnvironment } from './config/read-environment.js';
import { securityConfig } from './config/security.config.js';
import { InFlightRequests } from './lifecycle/in-flight-requests.service.js';
import { MetricsService } from './metrics/metrics.service.js';
import { setupOpenApi } from './openapi/openapi-document.js';

const REQUEST_ID_HEADER = 'x-request-id';

/** A request id is echoed only when it is short and printable (no header injection). */
const SAFE_REQUEST_ID = /^[\w.:@-]{1,128}$/;

/**
 * Options every NestFastifyApplication of the gateway is created with.
 * `bodyParser: false` keeps Nest from adding its own parsers: Fastify's JSON
 * parser stays, and a form-encoded body gets a 415 instead of running a model
 * call that a web page could send cross-origin without a CORS preflight.
 */
export const GATEWAY_APP_OPTIONS = { bodyParser: false } as const;

/**
 * The Fastify adapter with the settings that must exist before Nest starts:
 * body limit, request ids and the shared pino logger.
 */
export function createFastifyAdapter(logger: Logger): FastifyAdapter {
  const env = readEnvironment();
  return new FastifyAdapter({
    bodyLimit: env.server.BODY_LIMIT_BYTES,
    loggerInstance: logger,
    // One debug line per request comes from the onResponse hook instead.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req: IncomingMessage) => {
      const incoming = req.headers[REQUEST_ID_HEADER];
      return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming)
        ? incoming
        : randomUUID();
    },
    // Streams may legitimately run for many minutes.
    requestTimeout: 0,
    return503OnClosing: true,
  });
}

/** The logger the gateway uses, at the configured level. */
export function createGatewayLogger(): Logger {
  return createLogger(readEnvironment().server.LOG_LEVEL);
}

/**
 * Everything main.ts and the e2e tests share: error rendering, body
 * validation, CORS, request-id echo, in-flight and metrics tracking,
 * inbound auth, and the OpenAPI document with Swagger UI. Shutdown signals
 * are main.ts's (installGracefulShutdown).
 */
export function configureApp(
  app: NestFastifyApplication,
  logger: Logger,
): void {
  app.useLogger(new PinoNestLogger(logger));
  app.useGlobalFilters(new OpenAiExceptionFilter());
  app.useGlobalPipes(new ValidateBodyPipe());
  const security = app.get<ConfigType<typeof securityConfig>>(
    securityConfig.KEY,
  );
  if (security.corsOrigins) {
    // Its hook runs before the ones below, so preflights need no key and
    // 401 answers carry the CORS headers.
    app.enableCors(corsOptions(security.corsOrigins));
  }
  const inFlight = app.get(InFlightRequests);
  const httpMetrics = app.get(MetricsService).http;
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    inFlight.track(reply.raw);
    httpMetrics.observe(request, reply);
    done();
  });
  if (security.apiKeys) {
    // A Fastify hook, not a Nest guard: it covers the /v1/* proxy plugin too.
    fastify.addHook('onRequest', apiKeyAuthHook(security.apiKeys));
  }
  setupOpenApi(app);
  fastify.addHook('onResponse', (request, reply, done) => {
    request.log.debug(
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: reply.elapsedTime,
      },
      'request completed',
    );
    done();
  });
}
