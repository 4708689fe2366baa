import { describe, expect, it } from 'vitest';
import { AGENT_FORMAT_NAMES } from '../../src/config/agent-format-setting.js';
import { TOOL_CALL_FORMAT_HEADER } from '../../src/protocol/gateway-headers.js';
import { MCP_TOOLS_HEADER } from '../../src/protocol/gateway-headers.js';
import {
  EVENT_NAMING_HEADER,
  EVENT_NAMINGS,
} from '../../src/protocol/event-naming.js';
import { committedDocument } from '../support/gateway-openapi.js';
import { dig } from '../support/json-dig.js';

/**
 * Facts of the committed document (openapi.e2e-spec.ts proves it is the
 * one the gateway serves): operation ids, the headers and the field the
 * create routes honour, and how their streams end.
 */
const document = committedDocument();
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

interface Operation {
  operationId?: string;
  parameters?: {
    name?: string;
    in?: string;
    $ref?: string;
    schema?: unknown;
  }[];
  responses: Record<string, { headers?: Record<string, unknown> }>;
}

const operations: [string, Operation][] = Object.entries(
  dig(document, 'paths') as Record<string, Record<string, Operation>>,
).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => METHODS.includes(method))
    .map(([method, op]): [string, Operation] => [
      `${method.toUpperCase()} ${path}`,
      op,
    ]),
);
const byRoute = new Map(operations);

function operation(route: string): Operation {
  const found = byRoute.get(route);
  if (found === undefined) {
    throw new Error(`the document has no ${route}`);
  }
  return found;
}

function header(route: string, name: string): Record<string, unknown> {
  const found = operation(route).parameters?.find(
    (parameter) => parameter.in === 'header' && parameter.name === name,
  );
  expect(found, `${route} documents ${name}`).toBeDefined();
  return found as Record<string, unknown>;
}

const schema = (name: string): unknown =>
  dig(document, 'components', 'schemas', name);

const RESPONSES_CREATE = [
  'POST /v1/responses',
  'POST /responses',
  'POST /{upstream}/v1/responses',
];
const CHAT_CREATE = [
  'POST /v1/chat/completions',
  'POST /{upstream}/v1/chat/completions',
];
const MESSAGES_CREATE = ['POST /v1/messages', 'POST /{upstream}/v1/messages'];
const MESSAGES_COUNT = [
  'POST /v1/messages/count_tokens',
  'POST /{upstream}/v1/messages/count_tokens',
];

/** The `$ref` of the JSON body of an operation's answer `status`. */
const answerSchema = (route: string, status: string): unknown =>
  dig(
    operation(route).responses[status],
    'content',
    'application/json',
    'schema',
    '$ref',
  );

describe('the OpenAPI document', () => {
  it('names every operation in camelCase, each id once', () => {
    const ids = operations.map(([, op]) => op.operationId);
    for (const [route, op] of operations) {
      expect(op.operationId, route).toMatch(/^[a-z][A-Za-z]*$/);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each([
    ['POST /v1/responses', 'createResponse'],
    ['POST /responses', 'createResponseUnversioned'],
    ['POST /{upstream}/v1/responses', 'createResponseOnUpstream'],
    ['GET /v1/responses', 'connectResponsesWebSocket'],
    ['GET /v1/responses/{id}', 'getResponse'],
    ['DELETE /v1/responses/{id}', 'deleteResponse'],
    ['POST /v1/responses/{id}/cancel', 'cancelResponse'],
    ['GET /v1/responses/{id}/input_items', 'listInputItems'],
    ['POST /v1/responses/input_tokens', 'countInputTokens'],
    ['POST /v1/responses/compact', 'compactResponse'],
    ['POST /v1/chat/completions', 'createChatCompletion'],
    ['POST /{upstream}/v1/chat/completions', 'createChatCompletionOnUpstream'],
    ['GET /v1/models', 'listModels'],
    ['GET /v1/models/{path}', 'retrieveModel'],
    ['GET /v1/mcp/servers', 'listMcpServers'],
    ['GET /', 'getGatewayInfo'],
    ['GET /health', 'health'],
    ['GET /ready', 'ready'],
    ['GET /metrics', 'metrics'],
    ['GET /v1/{path}', 'passThroughGet'],
    ['POST /{upstream}/v1/{path}', 'passThroughPostOnUpstream'],
    ['POST /v1/messages', 'createMessage'],
    ['POST /{upstream}/v1/messages', 'createMessageOnUpstream'],
    ['POST /v1/messages/count_tokens', 'countMessageTokens'],
    [
      'POST /{upstream}/v1/messages/count_tokens',
      'countMessageTokensOnUpstream',
    ],
  ])('names %s %s', (route, id) => {
    expect(operation(route).operationId).toBe(id);
  });

  it.each([...RESPONSES_CREATE, ...CHAT_CREATE])(
    'documents x-mcp-tools and x-tool-call-format, with their values, on %s',
    (route) => {
      expect(JSON.stringify(header(route, MCP_TOOLS_HEADER))).toContain(
        '`off`',
      );
      expect(
        dig(header(route, TOOL_CALL_FORMAT_HEADER), 'schema', 'anyOf'),
      ).toContainEqual({ type: 'string', enum: [...AGENT_FORMAT_NAMES] });
    },
  );

  it('documents x-responses-event-naming where it is honoured, and only there', () => {
    for (const route of [...RESPONSES_CREATE, 'GET /v1/responses']) {
      expect(dig(header(route, EVENT_NAMING_HEADER), 'schema', 'enum')).toEqual(
        [...EVENT_NAMINGS],
      );
    }
    for (const route of CHAT_CREATE) {
      const names = operation(route).parameters?.map((p) => p.name);
      expect(names).not.toContain(EVENT_NAMING_HEADER);
    }
  });

  it('documents agent_format in both create bodies', () => {
    for (const body of [
      'CreateResponseRequest',
      'GatewayChatCompletionRequest',
    ]) {
      const [openAi, added] = dig(schema(body), 'allOf') as unknown[];
      expect(openAi, body).toHaveProperty('$ref');
      expect(dig(added, 'properties', 'agent_format'), body).toEqual({
        $ref: '#/components/schemas/AgentFormat',
      });
    }
    expect(
      dig(operation('POST /v1/chat/completions'), 'requestBody', 'content'),
    ).toEqual({
      'application/json': {
        schema: { $ref: '#/components/schemas/GatewayChatCompletionRequest' },
      },
    });
    expect(dig(schema('AgentFormat'), 'anyOf')).toContainEqual({
      type: 'null',
    });
  });

  it('declares every placeholder of a path as a path parameter', () => {
    for (const [route, op] of operations) {
      const placeholders = [...route.matchAll(/\{([^}]+)\}/g)].map(
        (match) => match[1],
      );
      const declared = op.parameters
        ?.filter((parameter) => parameter.in === 'path')
        .map((parameter) => parameter.name);
      for (const name of placeholders) {
        expect(declared, route).toContain(name);
      }
    }
  });

  it('documents the request id on every operation, and on every answer but a WebSocket 101', () => {
    for (const [route, op] of operations) {
      expect(op.parameters, route).toContainEqual({
        $ref: '#/components/parameters/RequestId',
      });
      for (const [status, answer] of Object.entries(op.responses)) {
        expect(answer.headers?.['x-request-id'], `${route} ${status}`).toEqual(
          status === '101'
            ? undefined
            : { $ref: '#/components/headers/RequestId' },
        );
      }
    }
  });

  it.each([
    [RESPONSES_CREATE, 'ResponsesSseEvent'],
    [CHAT_CREATE, 'ChatCompletionSseEvent'],
  ])(
    'describes each stream event of %j with OpenAPI 3.2 itemSchema %s, [DONE] included',
    (routes, itemSchema) => {
      for (const route of routes) {
        expect(
          dig(
            operation(route),
            'responses',
            '200',
            'content',
            'text/event-stream',
          ),
          route,
        ).toEqual({
          itemSchema: { $ref: `#/components/schemas/${itemSchema}` },
        });
      }
      expect(dig(schema(itemSchema), 'anyOf')).toContainEqual({
        $ref: '#/components/schemas/SseDoneEvent',
      });
      expect(String(dig(schema(itemSchema), 'description'))).toContain(
        'ends with `data: [DONE]`',
      );
      expect(dig(schema('SseDoneEvent'), 'properties', 'data')).toEqual({
        type: 'string',
        const: '[DONE]',
      });
    },
  );

  it('documents the Messages API with its own bodies, stream and headers', () => {
    for (const route of MESSAGES_CREATE) {
      expect(
        dig(operation(route), 'requestBody', 'content', 'application/json'),
        route,
      ).toEqual({
        schema: { $ref: '#/components/schemas/AnthropicCreateMessageRequest' },
      });
      expect(answerSchema(route, '200'), route).toBe(
        '#/components/schemas/AnthropicMessage',
      );
      expect(
        dig(operation(route).responses['200'], 'content', 'text/event-stream'),
        route,
      ).toEqual({
        itemSchema: { $ref: '#/components/schemas/MessagesSseEvent' },
      });
      expect(JSON.stringify(header(route, MCP_TOOLS_HEADER))).toContain(
        '`off`',
      );
    }
    for (const route of MESSAGES_COUNT) {
      expect(answerSchema(route, '200'), route).toBe(
        '#/components/schemas/AnthropicCountTokensResponse',
      );
    }
    for (const route of [...MESSAGES_CREATE, ...MESSAGES_COUNT]) {
      header(route, 'anthropic-version');
      header(route, 'anthropic-beta');
    }
    expect(dig(schema('MessagesSseEvent'), 'anyOf')).not.toContainEqual({
      $ref: '#/components/schemas/SseDoneEvent',
    });
  });

  it("answers errors of the Messages API in Anthropic's shape, and only there", () => {
    for (const route of [...MESSAGES_CREATE, ...MESSAGES_COUNT]) {
      for (const status of ['401', 'default']) {
        expect(answerSchema(route, status), `${route} ${status}`).toBe(
          '#/components/schemas/AnthropicError',
        );
      }
    }
    for (const route of [...RESPONSES_CREATE, ...CHAT_CREATE]) {
      expect(answerSchema(route, 'default'), route).toBe(
        '#/components/schemas/GatewayError',
      );
    }
  });

  it('takes the key as a Bearer token or as x-api-key', () => {
    expect(dig(document, 'components', 'securitySchemes', 'apiKey')).toEqual(
      expect.objectContaining({
        type: 'apiKey',
        in: 'header',
        name: 'x-api-key',
      }),
    );
    for (const [route, op] of operations) {
      const names = op.parameters?.map((p) => p.name?.toLowerCase());
      expect(names, route).not.toContain('x-api-key');
    }
  });

  it('no longer says a Responses stream has no [DONE]', () => {
    const described = JSON.stringify([
      schema('GatewayResponseStreamEvent'),
      operation('POST /v1/responses').responses['200'],
    ]);
    expect(described).not.toMatch(/no `\[DONE\]`/);
    expect(described).toContain('then `data: [DONE]`');
  });
});
