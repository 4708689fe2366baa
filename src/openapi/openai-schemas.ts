import { readFileSync } from 'node:fs';
import type { SchemaObject } from '@nestjs/swagger';

// src/openapi/ and dist/openapi/ both sit two levels below the package root,
// where openapi/ is (the Dockerfile copies it into the runtime image).
const OPENAI_SCHEMAS_FILE = new URL(
  '../../openapi/openai-schemas.json',
  import.meta.url,
);

let cached: Record<string, SchemaObject> | undefined;

/**
 * The OpenAI component schemas the gateway's routes reference, extracted from
 * OpenAI's spec by openapi/extract-schemas.mjs; read once.
 */
export function openAiSchemas(): Record<string, SchemaObject> {
  cached ??= JSON.parse(readFileSync(OPENAI_SCHEMAS_FILE, 'utf8')) as Record<
    string,
    SchemaObject
  >;
  return cached;
}
