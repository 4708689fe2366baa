import { ApiBody, ApiOkResponse, ApiResponse } from '@nestjs/swagger';
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
 * A 200 answer that is JSON, or with `"stream": true` an SSE stream whose
 * `data:` frames are each one `streamSchema`.
 */
export function ApiJsonOrStreamOk(
  jsonSchema: string,
  streamSchema: string,
  description: string,
): MethodDecorator & ClassDecorator {
  return ApiOkResponse({
    description,
    content: {
      'application/json': { schema: schemaRef(jsonSchema) },
      'text/event-stream': { schema: schemaRef(streamSchema) },
    },
  });
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
