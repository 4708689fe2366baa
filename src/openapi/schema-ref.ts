import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';

/**
 * A `$ref` to `components.schemas[name]`: one of OpenAI's schemas
 * (openapi/openai-schemas.json) or one of the gateway's own
 * (gateway-schemas.ts and its neighbours), all merged in by
 * createOpenApiDocument.
 */
export function schemaRef(name: string): ReferenceObject {
  return { $ref: `#/components/schemas/${name}` };
}

/**
 * A Schema Object with the JSON Schema 2020-12 keywords that
 * @nestjs/swagger's SchemaObject type lacks (OpenAPI 3.1+ allows them all).
 */
export type JsonSchema = SchemaObject & {
  const?: unknown;
  contentMediaType?: string;
  contentSchema?: SchemaObject | ReferenceObject;
};
