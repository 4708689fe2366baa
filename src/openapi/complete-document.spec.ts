import type { OpenAPIObject } from '@nestjs/swagger';
import { describe, expect, it } from 'vitest';
import {
  completeDocument,
  type DocumentAdditions,
} from './complete-document.js';
import { serverUrl } from './openapi-document.js';

function scanned(): OpenAPIObject {
  return {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths: {
      '/v1/chat/completions': {
        post: {
          operationId: 'Chat_create[0]',
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
          operationId: 'Chat_create[1]',
          parameters: [{ name: 'upstream', in: 'path', required: true }],
          responses: { '200': { description: 'ok' } },
        },
      },
      '/v1/models/{path}': {
        get: {
          operationId: 'Models_get',
          parameters: [{ name: '*', in: 'path', required: true }],
          responses: { '200': { description: 'ok' } },
        },
      },
      '/health': {
        get: {
          operationId: 'Health_health',
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
};

describe(completeDocument.name, () => {
  const sut = completeDocument(scanned(), additions);
  const chat = sut.paths['/v1/chat/completions']!;

  it('merges a Fastify route into the Nest path item of the same path', () => {
    expect(chat.get?.operationId).toBe('Upgrade');
    expect(chat.post?.operationId).toBe('Chat_create');
  });

  it('turns `[n]` operation id suffixes into identifiers', () => {
    expect(
      sut.paths['/{upstream}/v1/chat/completions']!.post?.operationId,
    ).toBe('Chat_create_1');
  });

  it('drops the Authorization header, parameters of other paths, and makes headers optional', () => {
    expect(chat.post?.parameters).toEqual([
      { name: 'x-mcp-tools', in: 'header', required: false },
    ]);
  });

  it('names a wildcard parameter after its `{path}` placeholder', () => {
    expect(sut.paths['/v1/models/{path}']!.get?.parameters).toEqual([
      expect.objectContaining({ name: 'path', in: 'path' }),
    ]);
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
