import type { SchemaObject } from '@nestjs/swagger';
import type { GatewayErrorCode } from '../common/errors/gateway.exception.js';
import type { McpTransportKind } from '../config/mcp-servers/mcp-names.js';
import { schemaRef } from './schema-ref.js';

const nullableString: SchemaObject = { type: ['string', 'null'] };

// Typed as exhaustive lists, so a new code or transport fails the build
// until it is documented here.
const GATEWAY_ERROR_CODES: Record<GatewayErrorCode, true> = {
  invalid_json: true,
  invalid_request: true,
  unsupported_media_type: true,
  payload_too_large: true,
  unauthorized: true,
  forbidden: true,
  not_found: true,
  method_not_allowed: true,
  upstream_unreachable: true,
  upstream_timeout: true,
  upstream_error: true,
  upstream_bad_response: true,
  service_unavailable: true,
  internal: true,
};
const MCP_TRANSPORTS: Record<McpTransportKind, true> = {
  stdio: true,
  'streamable-http': true,
  sse: true,
};

/**
 * The schemas of what the gateway itself answers (probes, the MCP status,
 * its error body), merged into `components.schemas` beside OpenAI's (and
 * beside the request and stream schemas of request-schemas.ts and
 * stream-schemas.ts).
 */
export const GATEWAY_SCHEMAS: Record<string, SchemaObject> = {
  GatewayError: {
    description:
      "OpenAI's error body. `code` is one of the gateway's own codes below, OpenAI's (e.g. `invalid_api_key`, `model_not_found`), or whatever an upstream sent, which is passed on as it is.",
    type: 'object',
    properties: {
      error: {
        type: 'object',
        properties: {
          message: { type: 'string' },
          type: {
            type: 'string',
            examples: [
              'invalid_request_error',
              'authentication_error',
              'upstream_error',
              'server_error',
            ],
          },
          param: nullableString,
          code: {
            type: ['string', 'integer', 'null'],
            examples: Object.keys(GATEWAY_ERROR_CODES),
          },
        },
        required: ['message', 'type', 'param', 'code'],
      },
    },
    required: ['error'],
  },
  HealthStatus: {
    description: 'Liveness: 200 while the process runs.',
    type: 'object',
    properties: { status: { type: 'string', enum: ['ok'] } },
    required: ['status'],
  },
  ReadinessStatus: {
    description:
      'Readiness: `ready` (200) while the process takes requests; `draining` (503) once it shuts down. Upstreams and MCP servers are reported but never make the gateway unready.',
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['ready', 'draining'] },
      upstreams: {
        description:
          "Each upstream's latest probe (GET <base URL>/models): up, down, or unknown before the first one.",
        type: 'object',
        additionalProperties: {
          type: 'object',
          properties: {
            state: { type: 'string', enum: ['up', 'down', 'unknown'] },
            status: {
              type: ['integer', 'null'],
              description: 'The HTTP status of the probe; null: no answer.',
            },
          },
          required: ['state'],
        },
      },
      mcpServers: {
        type: 'object',
        properties: {
          configured: { type: 'integer', minimum: 0 },
          connected: { type: 'integer', minimum: 0 },
        },
        required: ['configured', 'connected'],
      },
    },
    required: ['status', 'upstreams', 'mcpServers'],
  },
  GatewayInfo: {
    description: 'Name, version and a summary of the endpoints.',
    type: 'object',
    properties: {
      name: { type: 'string' },
      version: { type: 'string' },
      endpoints: { type: 'array', items: { type: 'string' } },
    },
    required: ['name', 'version', 'endpoints'],
  },
  McpServerStatus: {
    description: 'One configured MCP server, as the gateway sees it.',
    type: 'object',
    properties: {
      name: { type: 'string' },
      transport: { type: 'string', enum: Object.keys(MCP_TRANSPORTS) },
      connected: { type: 'boolean' },
      tools: {
        description: 'The cached tools, after allowedTools/disabledTools.',
        type: 'array',
        items: { type: 'string' },
      },
      lastError: nullableString,
      lastConnectedAt: { ...nullableString, format: 'date-time' },
      lastRefreshedAt: { ...nullableString, format: 'date-time' },
    },
    required: [
      'name',
      'transport',
      'connected',
      'tools',
      'lastError',
      'lastConnectedAt',
      'lastRefreshedAt',
    ],
  },
  McpServerList: {
    type: 'object',
    properties: {
      object: { type: 'string', enum: ['list'] },
      data: { type: 'array', items: schemaRef('McpServerStatus') },
    },
    required: ['object', 'data'],
  },
  DeletedResponse: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      object: { type: 'string', enum: ['response'] },
      deleted: { type: 'boolean', enum: [true] },
    },
    required: ['id', 'object', 'deleted'],
  },
};
