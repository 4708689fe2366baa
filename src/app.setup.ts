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
import { corsOptions } from './config/security/cors-options.js';
import { bodyAdmissionHook } from './common/admission/body-admission.hook.js';
import { InflightBodyBudget } from './common/admission/inflight-body-budget.js';
import { memoryBudget } from './config/memory-budget.js';
import { OpenAiExceptionFilter } from './common/errors/openai-exception.filter.js';
import { clientErrorHandler } from './common/http/client-error-handler.js';
import { installDirectRoutes } from './common/http/direct-routes.js';
import { installClosingAnswer } from './common/http/closing-answer.js';
import { serverTimeoutOptions } from './common/http/server-timeouts.js';
import { ValidateRequestPipe } from './common/http/validate-request.pipe.js';
import { logAccess } from './common/logging/access-log.js';
import { lazyRequestLoggerFactory } from './common/logging/lazy-request-logger.js';
import { PinoNestLogger } from './common/logging/pino-nest-logger.js';
import {
  enterRequestContext,
  installRequestContext,
} from './common/logging/request-context.js';
import { logStartUpReport } from './lifecycle/start-up-report.js';
import { installAnthropicErrorShape } from './messages/anthropic-error-shape.js';
import { PassThroughAccess } from './proxy/proxy-access.js';
import { RateLimits } from './limits/rate-limits.js';
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
 * body limit (at most the memory budget), server timeouts, OpenAI-shaped
 * answers to what Node refuses before any route, request ids and the shared
 * pino logger.
 */
export function createFastifyAdapter(logger: Logger): FastifyAdapter {
  const env = readEnvironment();
  return new FastifyAdapter({
    bodyLimit: memoryBudget(env.server).bodyLimitBytes,
    ...serverTimeoutOptions(env.server),
    clientErrorHandler: clientErrorHandler(logger),
    loggerInstance: logger,
    // request.log is made on its first line: most requests write none.
    childLoggerFactory: lazyRequestLoggerFactory,
    // One access line per request comes from logAccess instead.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req: IncomingMessage) => {
      const incoming = req.headers[REQUEST_ID_HEADER];
      return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming)
        ? incoming
        : randomUUID();
    },
    // installClosingAnswer answers in OpenAI's shape instead.
    return503OnClosing: false,
  });
}

/** The logger the gateway uses, at the configured level. */
export function createGatewayLogger(): Logger {
  return createLogger(readEnvironment().server.LOG_LEVEL);
}

/**
 * Everything main.ts and the e2e tests share: error rendering, body
 * validation, CORS, request-id echo and context, access lines, in-flight
 * and metrics tracking, inbound auth and per-key limits, the memory budget
 * of request bodies, and the OpenAPI document with Swagger UI. Shutdown
 * signals are main.ts's (installGracefulShutdown).
 */
export function configureApp(
  app: NestFastifyApplication,
  logger: Logger,
): void {
  app.useLogger(new PinoNestLogger(logger));
  const exceptionFilter = new OpenAiExceptionFilter();
  app.useGlobalFilters(exceptionFilter);
  app.useGlobalPipes(new ValidateRequestPipe());
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
  // Once the app closes, a request still arriving is answered 503 at once.
  const answeredClosing = installClosingAnswer(fastify);
  installRequestContext(fastify);
  httpMetrics.install(fastify);
  // Before the routes exist: these hook routes as they are added.
  installAnthropicErrorShape(fastify);
  installDirectRoutes(app, fastify, exceptionFilter);
  // The app's one onRequest hook: every later hook, handler and log line of
  // the request runs in its context; a request during close is neither
  // tracked nor counted.
  fastify.addHook('onRequest', (request, reply, done) => {
    enterRequestContext(request, () => {
      if (answeredClosing(reply)) {
        return;
      }
      void reply.header(REQUEST_ID_HEADER, request.id);
      inFlight.track(reply.raw);
      httpMetrics.observe(request, reply);
      // Its lines are at info and debug: at warn, no listener or line object per request.
      if (logger.isLevelEnabled('info')) {
        logAccess(request, reply);
      }
      done();
    });
  });
  if (security.apiKeys) {
    // A Fastify hook, not a Nest guard: it covers the /v1/* proxy plugin too.
    fastify.addHook('onRequest', apiKeyAuthHook(security.apiKeys));
    // Right after the key check: a limited key's requests and tokens count.
    app.get(RateLimits).install(fastify);
  }
  // preParsing: after the key check, before any body byte is read. A
  // pass-through body counts when the model check or the token limits read
  // it whole (read by both, it is held once: readWholeBody).
  fastify.addHook(
    'preParsing',
    bodyAdmissionHook(
      bodyBudget(logger),
      (request) =>
        PassThroughAccess.readsBody(request) || RateLimits.readsBody(request),
    ),
  );
  setupOpenApi(app);
  logStartUpReport(app, logger);
}

/**
 * The budget of request bodies held at once, logged once at start with the
 * body limit (lowered to the budget when BODY_LIMIT_BYTES is larger).
 */
function bodyBudget(logger: Logger): InflightBodyBudget {
  const budget = memoryBudget(readEnvironment().server);
  logger.info(budget, 'memory budget of request bodies');
  return new InflightBodyBudget(budget.maxInflightBodyBytes);
}
