import type {
  OperationObject,
  ParameterObject,
  PathItemObject,
} from '@nestjs/swagger';
import { schemaRef } from './schema-ref.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const PATH_PARAMETER: ParameterObject = {
  name: 'path',
  in: 'path',
  required: true,
  description:
    'The rest of the OpenAI path, slashes included (e.g. `embeddings`, `files/file-abc/content`).',
  schema: { type: 'string' },
};

const UPSTREAM_PARAMETER: ParameterObject = {
  name: 'upstream',
  in: 'path',
  required: true,
  description: 'The name of a configured upstream (UPSTREAMS).',
  schema: { type: 'string' },
};

function passThrough(
  method: (typeof METHODS)[number],
  named: boolean,
): OperationObject {
  const operation: OperationObject = {
    tags: ['pass-through'],
    // `passThroughGet`; completeDocument adds `OnUpstream` for the named one.
    operationId: `passThrough${method[0]!.toUpperCase()}${method.slice(1)}`,
    summary: named
      ? 'Any other OpenAI endpoint, forwarded to the named upstream'
      : 'Any other OpenAI endpoint, forwarded to the default upstream',
    description:
      "Registered on the Fastify instance (not a Nest controller). The request is streamed to the upstream with its method, query, headers and body untouched (the client's credentials replaced by the upstream's key unless FORWARD_CLIENT_AUTH / FORWARD_CLIENT_CREDENTIALS say otherwise), and the answer streamed back with the upstream's headers, `x-request-id` included when the upstream sends one. Routes the gateway implements itself win over this one.",
    parameters: named ? [UPSTREAM_PARAMETER, PATH_PARAMETER] : [PATH_PARAMETER],
    responses: {
      default: {
        description: "The upstream's answer, as it sent it.",
        content: { '*/*': { schema: {} } },
      },
      '502': {
        description: 'The upstream could not be reached.',
        content: { 'application/json': { schema: schemaRef('GatewayError') } },
      },
    },
  };
  if (method !== 'get' && method !== 'delete') {
    operation.requestBody = {
      description: 'Forwarded as it is, any content type.',
      required: false,
      content: { '*/*': { schema: {} } },
    };
  }
  return operation;
}

function pathItem(named: boolean): PathItemObject {
  return Object.fromEntries(
    METHODS.map((method) => [method, passThrough(method, named)]),
  );
}

/**
 * The catch-all `/v1/*` and `/{upstream}/v1/*` routes of ProxyRoutes, which
 * Nest's scanner cannot see: a multi-segment wildcard, written here as a
 * `{path}` parameter.
 */
export const PASS_THROUGH_PATHS: Record<string, PathItemObject> = {
  '/v1/{path}': pathItem(false),
  '/{upstream}/v1/{path}': pathItem(true),
};
