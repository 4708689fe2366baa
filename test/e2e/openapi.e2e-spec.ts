import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from '../../src/app.module.js';
import {
  configureApp,
  createFastifyAdapter,
  createGatewayLogger,
  GATEWAY_APP_OPTIONS,
} from '../../src/app.setup.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { ajv } from '../support/openapi-documents.js';
import { committedDocument } from '../support/gateway-openapi.js';

const KEY = 'sk-gateway-key';
const UPSTREAM_KEY = 'sk-upstream-secret';
// Never called: no test here reaches the upstream.
const INTERNAL_URL = 'http://internal-llm.invalid:8000/v1';
const OPERATION_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH'];

/** Fastify `/a/:b/*` as an OpenAPI path: `/a/{b}/{path}`. */
function openApiPath(url: string): string {
  return url.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{path}');
}

/**
 * Every route the app registers (Nest controllers, the pass-through plugin,
 * Swagger UI), seen by an onRoute hook installed before any of them.
 */
async function registeredRoutes(): Promise<Set<string>> {
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule],
  }).compile();
  const logger = createGatewayLogger();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    createFastifyAdapter(logger),
    GATEWAY_APP_OPTIONS,
  );
  const routes = new Set<string>();
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        routes.add(`${method} ${route.url}`);
      }
    });
  configureApp(app, logger);
  await app.init();
  await app.close();
  return routes;
}

describe('the OpenAPI document', () => {
  let gateway: RunningGateway;
  let served: Record<string, unknown>;

  beforeAll(async () => {
    gateway = await startGateway({
      GATEWAY_API_KEYS: KEY,
      OPENAI_API_KEY: UPSTREAM_KEY,
      OPENAI_BASE_URL_INTERNAL: INTERNAL_URL,
      LOG_LEVEL: 'silent',
    });
    const answer = await fetch(`${gateway.url}/openapi.json`);
    expect(answer.status).toBe(200);
    served = (await answer.json()) as Record<string, unknown>;
  });
  afterAll(() => gateway.close());

  it('is OpenAPI 3.2, served with Swagger UI and without a key', async () => {
    expect(served['openapi']).toBe('3.2.0');
    const page = await fetch(`${gateway.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('swagger-ui');
    // Bodies are read to the end: an unread one holds the socket open.
    for (const asset of ['swagger-ui-init.js', 'swagger-ui-bundle.js']) {
      const answer = await fetch(`${gateway.url}/docs/${asset}`);
      expect(answer.status, asset).toBe(200);
      await answer.arrayBuffer();
    }
    // Everything else still needs the key.
    const guarded = await fetch(`${gateway.url}/v1/mcp/servers`);
    expect(guarded.status).toBe(401);
    await guarded.arrayBuffer();
  });

  it('holds no key and no internal upstream address', () => {
    const text = JSON.stringify(served);
    for (const secret of [KEY, UPSTREAM_KEY, 'internal-llm.invalid']) {
      expect(text).not.toContain(secret);
    }
  });

  it('equals the committed openapi/openapi.json', () => {
    expect(
      served,
      'openapi/openapi.json is out of date: run `npm run openapi` and commit it',
    ).toEqual(committedDocument());
  });

  it('is valid OpenAPI 3.2 whose refs all resolve', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(served));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.2');
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  it('has component schemas that compile as JSON Schema 2020-12', () => {
    const components = served['components'] as {
      schemas: Record<string, unknown>;
    };
    const id = 'https://spec.invalid/openapi-e2e-compile.json';
    ajv().addSchema({ $id: id, components });
    for (const name of Object.keys(components.schemas)) {
      expect(
        () => ajv().getSchema(`${id}#/components/schemas/${name}`),
        name,
      ).not.toThrow();
    }
  });

  it('declares bearer or x-api-key auth, lifted on the open routes only', () => {
    const paths = served['paths'] as Record<
      string,
      Record<string, { security?: unknown[] }>
    >;
    expect(served['security']).toEqual([{ bearer: [] }, { apiKey: [] }]);
    expect(served['servers']).toEqual([{ url: '/' }]);
    for (const path of ['/health', '/ready', '/metrics']) {
      expect(paths[path]!['get']!.security, path).toEqual([]);
    }
    expect(paths['/v1/responses']!['post']!.security).toBeUndefined();
  });

  it('documents every route the app registers, and no other', async () => {
    const routes = await registeredRoutes();
    const paths = served['paths'] as Record<string, Record<string, unknown>>;
    const documented = new Set(
      Object.entries(paths).flatMap(([path, item]) =>
        Object.keys(item)
          .filter((key) => OPERATION_METHODS.includes(key.toUpperCase()))
          .map((method) => `${method.toUpperCase()} ${path}`),
      ),
    );
    const undocumented = [...routes]
      .filter((route) => OPERATION_METHODS.includes(route.split(' ')[0]!))
      // Swagger UI's page and assets, and the document itself.
      .filter((route) => !/ \/(docs|openapi\.json)\b/.test(route))
      .map((route) => {
        const [method, url] = route.split(' ');
        return `${method} ${openApiPath(url!)}`;
      })
      .filter((route) => !documented.delete(route));
    expect(undocumented, 'routes missing from the document').toEqual([]);
    expect([...documented], 'documented routes that do not exist').toEqual([]);
  });
});

describe('the OpenAPI document with OPENAI_BASE_URL', () => {
  it('takes its server from OPENAI_BASE_URL, without /v1', async () => {
    const gateway = await startGateway({
      OPENAI_BASE_URL: 'https://gateway.example.com/v1',
    });
    try {
      const document = (await (
        await fetch(`${gateway.url}/openapi.json`)
      ).json()) as { servers: unknown };
      expect(document.servers).toEqual([
        { url: 'https://gateway.example.com' },
      ]);
    } finally {
      await gateway.close();
    }
  });
});
