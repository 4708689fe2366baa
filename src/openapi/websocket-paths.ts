import type { OperationObject, PathItemObject } from '@nestjs/swagger';
import { WEBSOCKET_PATHS } from '../protocol/gateway-headers.js';
import { WEBSOCKET_REQUEST_HEADERS } from './request-headers.js';
import { schemaRef } from './schema-ref.js';

function upgrade(path: string): OperationObject {
  return {
    tags: ['responses'],
    // completeDocument adds `Unversioned` for `/responses`.
    operationId: 'connectResponsesWebSocket',
    summary: 'Responses over a WebSocket',
    description: [
      `Registered on the Fastify instance (not a Nest controller), beside \`POST ${path}\`.`,
      'With `Upgrade: websocket`, the connection becomes a WebSocket: each client message is `{"type":"response.create", …CreateResponseRequest fields}` (`agent_format` included; no `stream` or `background`: every turn streams); the gateway answers with the same `GatewayResponseStreamEvent` JSON messages an SSE stream carries (one per text frame, no `[DONE]`), and errors as `{"type":"error", …}` messages.',
      'The upgrade request may carry `x-mcp-tools` and `x-responses-event-naming`, which hold for every turn of the connection.',
    ].join('\n\n'),
    parameters: WEBSOCKET_REQUEST_HEADERS,
    responses: {
      '101': { description: 'Switched to the WebSocket protocol.' },
      '426': {
        description: 'A plain GET without `Upgrade: websocket`.',
        content: { 'application/json': { schema: schemaRef('GatewayError') } },
      },
    },
  };
}

/** The `GET` WebSocket upgrade routes of ResponsesWebSocketRoutes. */
export const WEBSOCKET_PATH_ITEMS: Record<string, PathItemObject> =
  Object.fromEntries(
    WEBSOCKET_PATHS.map((path) => [path, { get: upgrade(path) }]),
  );
