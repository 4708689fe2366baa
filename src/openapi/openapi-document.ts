import type { INestApplication } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { OPEN_ROUTES } from '../auth/api-key-auth.hook.js';
import { applyPendingApiDocs } from '../common/http/api-docs-decorators.js';
import { serverConfig } from '../config/server.config.js';
import { packageInfo } from '../common/package-info.js';
import {
  ANTHROPIC_ERROR_ANSWERS,
  ANTHROPIC_SCHEMAS,
} from './anthropic-schemas.js';
import { ANTHROPIC_REQUEST_SCHEMAS } from './anthropic-request-schemas.js';
import { completeDocument } from './complete-document.js';
import { GATEWAY_SCHEMAS } from './gateway-schemas.js';
import { openAiSchemas } from './openai-schemas.js';
import { PASS_THROUGH_PATHS } from './pass-through-paths.js';
import { REQUEST_SCHEMAS } from './request-schemas.js';
import { streamSchemas } from './stream-schemas.js';
import {
  serveSwaggerUiOnFirstRequest,
  type Swagger,
} from './swagger-ui-routes.js';
import { WEBSOCKET_PATH_ITEMS } from './websocket-paths.js';

/**
 * 3.2 for `itemSchema`, which describes one event of a `text/event-stream`
 * answer (3.1 could only give a schema for the whole stream).
 */
const OPENAPI_VERSION = '3.2.0';

/** The names of the security schemes, either of which a request may use. */
const BEARER_SCHEME = 'bearer';
const API_KEY_SCHEME = 'apiKey';
/** The tag of the Messages API's operations, whose errors are Anthropic's. */
const MESSAGES_TAG = 'messages';

const DESCRIPTION = [
  "An OpenAI-compatible gateway: the Responses API and Anthropic's Messages API on any Chat Completions backend, MCP tools run server-side, and every other OpenAI endpoint passed through.",
  'When GATEWAY_API_KEYS is set, every route but the probes, /metrics and this documentation needs a key: `Authorization: Bearer <key>`, or `x-api-key: <key>` (as Anthropic clients send it).',
  'Every answer carries `x-request-id`. Streams (`stream: true`) are Server-Sent Events, each event described by the `itemSchema` of the `text/event-stream` answer; Chat Completions and Responses streams end with `data: [DONE]`, Messages streams with their `message_stop` event.',
].join('\n\n');

/**
 * The gateway's own OpenAPI server URL: OPENAI_BASE_URL without a
 * trailing `/v1` (the paths carry it), else relative to the document.
 */
export function serverUrl(publicBaseUrl: string | undefined): string {
  if (publicBaseUrl === undefined) {
    return '/';
  }
  return publicBaseUrl.replace(/\/+$/, '').replace(/\/v1$/, '') || '/';
}

/**
 * The OpenAPI 3.2 document of every route the app registers: the Nest
 * controllers as scanned, the Fastify-level pass-through routes, OpenAI's
 * schemas and the gateway's own. Deterministic for a given publicBaseUrl.
 */
export async function createOpenApiDocument(
  app: INestApplication,
  publicBaseUrl: string | undefined,
): Promise<OpenAPIObject> {
  return buildOpenApiDocument(
    await import('@nestjs/swagger'),
    app,
    publicBaseUrl,
  );
}

/** createOpenApiDocument with @nestjs/swagger loaded. */
function buildOpenApiDocument(
  swagger: Swagger,
  app: INestApplication,
  publicBaseUrl: string | undefined,
): OpenAPIObject {
  applyPendingApiDocs(swagger);
  const config = new swagger.DocumentBuilder()
    .setOpenAPIVersion(OPENAPI_VERSION)
    .setTitle(packageInfo.name)
    .setDescription(DESCRIPTION)
    .setVersion(packageInfo.version)
    .addServer(serverUrl(publicBaseUrl))
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'API key',
        description: 'One of the keys in GATEWAY_API_KEYS.',
      },
      BEARER_SCHEME,
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'x-api-key',
        description:
          'One of the keys in GATEWAY_API_KEYS, as Anthropic clients send it; used when there is no `Authorization: Bearer`.',
      },
      API_KEY_SCHEME,
    )
    // Two requirements: either scheme will do.
    .addSecurityRequirements(BEARER_SCHEME)
    .addSecurityRequirements(API_KEY_SCHEME)
    .build();
  const scanned = swagger.SwaggerModule.createDocument(app, config, {
    // The controllers carry their own @ApiTags.
    autoTagControllers: false,
    operationIdFactory: (controller, method) =>
      `${controller.replace(/Controller$/, '')}_${method}`,
  });
  return completeDocument(scanned, {
    extraPaths: { ...PASS_THROUGH_PATHS, ...WEBSOCKET_PATH_ITEMS },
    schemas: [
      openAiSchemas(),
      GATEWAY_SCHEMAS,
      REQUEST_SCHEMAS,
      streamSchemas(openAiSchemas()),
      ANTHROPIC_SCHEMAS,
      ANTHROPIC_REQUEST_SCHEMAS,
    ],
    openRoutes: OPEN_ROUTES,
    errorsByTag: { [MESSAGES_TAG]: ANTHROPIC_ERROR_ANSWERS },
  });
}

/**
 * Serves the document at /openapi.json and Swagger UI at /docs, both open
 * (OPEN_ROUTES), with OPENAI_BASE_URL as the server. @nestjs/swagger loads
 * on the first request to either; the document is built then, once.
 */
export function setupOpenApi(app: NestFastifyApplication): void {
  const { publicBaseUrl } = app.get<ConfigType<typeof serverConfig>>(
    serverConfig.KEY,
  );
  serveSwaggerUiOnFirstRequest(app, {
    documentFactory: (swagger) =>
      buildOpenApiDocument(swagger, app, publicBaseUrl),
    customSiteTitle: `${packageInfo.name} API`,
  });
}
