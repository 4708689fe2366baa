import type { ReferenceObject } from '@nestjs/swagger';

/**
 * A `$ref` to `components.schemas[name]`: one of OpenAI's schemas
 * (openapi/openai-schemas.json) or one of the gateway's own
 * (gateway-schemas.ts), both merged in by createOpenApiDocument.
 */
export function schemaRef(name: string): ReferenceObject {
  return { $ref: `#/components/schemas/${name}` };
}
