import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import {
  FastifyAdapter,
  type NestFastifyApplication,
} from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { GATEWAY_APP_OPTIONS } from './app.setup.js';
import { createOpenApiDocument } from './openapi/openapi-document.js';

/** The committed document, beside openai-schemas.json. */
const OPENAPI_FILE = new URL('../openapi/openapi.json', import.meta.url);

/**
 * `npm run openapi`: writes the gateway's OpenAPI document to
 * openapi/openapi.json. The app is created but never started, so nothing
 * connects to an upstream or MCP server; the server is the relative `/`,
 * whatever OPENAI_BASE_URL says, so the file does not depend on the machine.
 */
async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule,
    new FastifyAdapter(),
    { ...GATEWAY_APP_OPTIONS, logger: false },
  );
  const document = await createOpenApiDocument(app, undefined);
  writeFileSync(OPENAPI_FILE, `${JSON.stringify(document, null, 2)}\n`);
  await app.close();
  process.stdout.write(`wrote ${fileURLToPath(OPENAPI_FILE)}\n`);
}

void main();
