import type { OpenAPIObject } from '@nestjs/swagger';
import { describe, expect, it } from 'vitest';
import {
  completeDocument,
  type DocumentAdditions,
} from './complete-document.js';
import { serverUrl } from './openapi-document.js';
import {
  REQUEST_ID_HEADER_REF,
  REQUEST_ID_PARAMETER_REF,
} from './request-id.js';

function scanned(): OpenAPIObject {
  return {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths: {
      '/v1/chat/completions': {
        post: {
          operationId: 'createChatCompletion',
          parameters: [
            { name: 'authorization', in: 'header', required: true },
            { name: 'x-mcp-tools', in: 'header', required: true },
            { name: 'upstream', in: 'path', required: true },
          ],
          responses: { '200': { description: 'ok' } },
        },
      },
      '/{upstream}/v1/chat/completions': {
        post: {
          operationId: 'createChatCompletion',
          parameters: [{ name: 'upstream', in: 'path', required: true }],
          responses: { '200': { description: 'ok' } },
        },
      },
      '/v1/models/{path}': {
        get: {
          operationId: 'retrieveModel',
          parameters: [{ name: '*', in: 'path', required: true }],
          responses: { '200': { description: 'ok' } },
        },
      },
      '/health': {
        get: {
          operationId: 'health',
          responses: { '200': { description: 'ok' } },
        },
      },
    },
    components: {
      schemas: { UnusedDto: { type: 'object' }, UsedDto: { type: 'object' } },
    },
  };
}

const additions: DocumentAdditions = {
  extraPaths: {
    '/v1/chat/completions': {
      get: {
        operationId: 'Upgrade',
        responses: { '101': { description: 'switched' } },
        requestBody: {
          content: {
            'application/json': {
              schema: { $ref: '#/components/schemas/UsedDto' },
            },
          },
        },
      },
    },
  },
  schemas: [{ B: { type: 'string' } }, { A: { type: 'string' } }],
  openRoutes: new Set(['/health']),
  errorsByTag: {
    messages: { schema: 'AnthropicError', description: "Anthropic's shape" },
  },
};

describe(completeDocument.name, () => {
  const sut = completeDocument(scanned(), additions);
  const chat = sut.paths['/v1/chat/completions']!;

  it('merges a Fastify route into the Nest path item of the same path', () => {
    expect(chat.get?.operationId).toBe('Upgrade');
    expect(chat.post?.operationId).toBe('createChatCompletion');
  });

  it('names the operation of a shared handler after its path', () => {
    expect(
      sut.paths['/{upstream}/v1/chat/completions']!.post?.operationId,
    ).toBe('createChatCompletionOnUpstream');
  });

  it('refuses two operations of the same id', () => {
    const twice = scanned();
    twice.paths['/v1/models'] = {
      get: { operationId: 'health', responses: {} },
    };
    expect(() => completeDocument(twice, additions)).toThrow(
      'two operations have the id health: GET /health and GET /v1/models',
    );
  });

  it('drops the Authorization header, parameters of other paths, and makes headers optional', () => {
    expect(chat.post?.parameters).toEqual([
      { name: 'x-mcp-tools', in: 'header', required: false },
      REQUEST_ID_PARAMETER_REF,
    ]);
  });

  it('keeps the documented one of two header parameters of one name', () => {
    const documented = {
      name: 'x-mcp-tools',
      in: 'header' as const,
      description: 'off keeps them out',
    };
    const twice = scanned();
    twice.paths['/v1/chat/completions']!.post!.parameters!.push(documented);
    const sut = completeDocument(twice, additions);
    expect(sut.paths['/v1/chat/completions']!.post?.parameters).toEqual([
      { ...documented, required: false },
      REQUEST_ID_PARAMETER_REF,
    ]);
  });

  it('declares a path placeholder that no handler argument reads', () => {
    const unread = scanned();
    unread.paths['/{upstream}/v1/count'] = {
      post: { operationId: 'count', responses: {} },
    };
    const sut = completeDocument(unread, additions);
    expect(sut.paths['/{upstream}/v1/count']!.post!.parameters).toEqual([
      {
        name: 'upstream',
        in: 'path',
        required: true,
        schema: { type: 'string' },
      },
      REQUEST_ID_PARAMETER_REF,
    ]);
    expect(
      sut.paths['/{upstream}/v1/chat/completions']!.post!.parameters,
    ).toEqual([
      { name: 'upstream', in: 'path', required: true },
      REQUEST_ID_PARAMETER_REF,
    ]);
  });

  it('names a wildcard parameter after its `{path}` placeholder', () => {
    expect(sut.paths['/v1/models/{path}']!.get?.parameters).toEqual([
      expect.objectContaining({ name: 'path', in: 'path' }),
      REQUEST_ID_PARAMETER_REF,
    ]);
  });

  it('gives every operation the request id, and every answer but a 101 its header', () => {
    expect(sut.components?.parameters?.['RequestId']).toMatchObject({
      name: 'x-request-id',
      in: 'header',
    });
    expect(sut.components?.headers?.['RequestId']).toBeDefined();
    const health = sut.paths['/health']!.get!;
    expect(health.parameters).toEqual([REQUEST_ID_PARAMETER_REF]);
    expect(health.responses['200']).toMatchObject({
      headers: { 'x-request-id': REQUEST_ID_HEADER_REF },
    });
    for (const answer of Object.values(chat.post!.responses)) {
      expect(answer).toMatchObject({
        headers: { 'x-request-id': REQUEST_ID_HEADER_REF },
      });
    }
    expect(chat.get!.responses['101']).not.toHaveProperty('headers');
  });

  it('lifts security on open routes and adds 401 and default errors elsewhere', () => {
    const health = sut.paths['/health']!.get!;
    expect(health.security).toEqual([]);
    expect(Object.keys(health.responses)).toEqual(['200']);
    expect(chat.post?.security).toBeUndefined();
    expect(Object.keys(chat.post!.responses)).toEqual([
      '200',
      '401',
      'default',
    ]);
  });

  it("gives the operations of a tag of errorsByTag that tag's error schema", () => {
    const tagged = scanned();
    tagged.paths['/v1/messages'] = {
      post: {
        operationId: 'createMessage',
        tags: ['messages'],
        parameters: [{ name: 'x-api-key', in: 'header', required: true }],
        responses: { '200': { description: 'ok' } },
      },
    };
    const sut = completeDocument(tagged, additions);
    const messages = sut.paths['/v1/messages']!.post!;
    const errorSchema = (status: string) =>
      JSON.stringify(messages.responses[status]);
    expect(errorSchema('401')).toContain(
      '"#/components/schemas/AnthropicError"',
    );
    expect(errorSchema('default')).toContain(
      '"#/components/schemas/AnthropicError"',
    );
    expect(messages.responses['default']).toMatchObject({
      description: "Anthropic's shape",
    });
    expect(JSON.stringify(chat.post!.responses['default'])).toContain(
      '"#/components/schemas/GatewayError"',
    );
    // The key header is the apiKey security scheme's, not a parameter.
    expect(messages.parameters).toEqual([REQUEST_ID_PARAMETER_REF]);
  });

  it('keeps referenced scanned schemas only, and sorts paths and schemas', () => {
    expect(Object.keys(sut.components!.schemas!)).toEqual([
      'A',
      'B',
      'UsedDto',
    ]);
    expect(Object.keys(sut.paths)).toEqual([...Object.keys(sut.paths)].sort());
  });

  it('refuses two schemas of the same name', () => {
    expect(() =>
      completeDocument(scanned(), {
        ...additions,
        schemas: [{ A: {} }, { A: {} }],
      }),
    ).toThrow('two OpenAPI schemas are named A');
  });

  it('leaves its input untouched', () => {
    const input = scanned();
    const before = structuredClone(input);
    completeDocument(input, additions);
    expect(input).toEqual(before);
  });
});

describe(serverUrl.name, () => {
  it('is relative without OPENAI_BASE_URL, and drops a trailing /v1', () => {
    expect(serverUrl(undefined)).toBe('/');
    expect(serverUrl('https://gw.example.com/v1/')).toBe(
      'https://gw.example.com',
    );
    expect(serverUrl('https://gw.example.com/api')).toBe(
      'https://gw.example.com/api',
    );
  });
});
