import type { OperationObject, PathItemObject } from '@nestjs/swagger';
import { WEBSOCKET_PATHS } from '../responses/websocket/responses-websocket.routes.js';
import { schemaRef } from './schema-ref.js';

function upgrade(path: string, index: number): OperationObject {
  return {
    tags: ['responses'],
    operationId: `ResponsesWebSocket_connect${index === 0 ? '' : `_${String(index)}`}`,
    summary: 'Responses over a WebSocket',
    description: [
      `Registered on the Fastify instance (not a Nest controller), beside \`POST ${path}\`.`,
      'With `Upgrade: websocket`, the connection becomes a WebSocket: each client message is `{"type":"response.create", …CreateResponse fields}`; the gateway answers with the same `GatewayResponseStreamEvent` JSON messages an SSE stream carries, and errors as `{"type":"error", …}` messages.',
    ].join('\n\n'),
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
    WEBSOCKET_PATHS.map((path, index) => [path, { get: upgrade(path, index) }]),
  );
