import type { MediaTypeObject } from '@nestjs/swagger';
import {
  ApiBody,
  ApiOkResponse,
  ApiResponse,
} from '../common/http/api-docs-decorators.js';
import { schemaRef } from './schema-ref.js';

/** A JSON request body of `components.schemas[schema]`. */
export function ApiJsonBody(schema: string): MethodDecorator {
  return ApiBody({ schema: schemaRef(schema) });
}

/** A 200 JSON answer of `components.schemas[schema]`. */
export function ApiJsonOk(
  schema: string,
  description = 'OK',
): MethodDecorator & ClassDecorator {
  return ApiOkResponse({ description, schema: schemaRef(schema) });
}

/**
 * A 200 answer that is JSON, or with `"stream": true` Server-Sent Events,
 * each event one `itemSchema` (OpenAPI 3.2's schema of one item of a
 * sequential media type; `schema` there would describe the whole stream).
 */
export function ApiJsonOrStreamOk(
  jsonSchema: string,
  itemSchema: string,
  description: string,
): MethodDecorator & ClassDecorator {
  // @nestjs/swagger's MediaTypeObject predates `itemSchema`; it copies the
  // content as it is.
  const content: Record<string, MediaTypeObject & { itemSchema?: unknown }> = {
    'application/json': { schema: schemaRef(jsonSchema) },
    'text/event-stream': { itemSchema: schemaRef(itemSchema) },
  };
  return ApiOkResponse({ description, content });
}

/** An error answer (OpenAI's error body) that an operation can give. */
export function ApiErrorResponse(
  status: number,
  description: string,
): MethodDecorator & ClassDecorator {
  return ApiResponse({
    status,
    description,
    schema: schemaRef('GatewayError'),
  });
}
