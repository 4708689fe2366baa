import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import createClient from 'openapi-fetch';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { completion } from '../support/chat-chunks.js';
import { ROOT } from '../support/built-app.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import {
  committedDocument,
  DocumentResponses,
} from '../support/gateway-openapi.js';

/** Uses the generated types the way a client would; must type-check. */
const USAGE = `
import createClient from 'openapi-fetch';
import type { components, paths } from './gateway-client.js';

// JSON answers only: the SSE variants are read as streams, not parsed.
const client = createClient<paths, 'application/json'>({
  baseUrl: 'http://127.0.0.1:8080',
});

export async function use(): Promise<string[]> {
  const created = await client.POST('/v1/responses', {
    body: { model: 'm', input: 'hi' },
  });
  const response: components['schemas']['Response'] | undefined = created.data;
  const chat = await client.POST('/v1/chat/completions', {
    body: { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
  });
  const models = await client.GET('/v1/models');
  const servers = await client.GET('/v1/mcp/servers');
  const health = await client.GET('/health');
  const items = await client.GET('/v1/responses/{id}/input_items', {
    params: { path: { id: 'resp_1' }, query: { limit: 5, order: 'asc' } },
  });
  // @ts-expect-error the gateway requires \`model\`
  await client.POST('/v1/responses', { body: { input: 'hi' } });
  // The gateway's own headers and body field are typed.
  await client.POST('/v1/responses', {
    params: {
      header: {
        'x-mcp-tools': 'off',
        'x-tool-call-format': 'xml',
        'x-responses-event-naming': 'open-responses',
        'x-request-id': 'req_1',
      },
    },
    body: { model: 'm', input: 'hi', agent_format: '<call>,</call>' },
  });
  await client.POST('/{upstream}/v1/chat/completions', {
    params: { path: { upstream: 'local' }, header: { 'x-mcp-tools': 'off' } },
    body: { model: 'm', messages: [], agent_format: 'passthrough' },
  });
  await client.POST('/v1/responses', {
    // @ts-expect-error only the documented event namings
    params: { header: { 'x-responses-event-naming': 'other' } },
    body: { model: 'm' },
  });
  // The Messages API, with Anthropic's headers and content blocks.
  const message = await client.POST('/v1/messages', {
    params: { header: { 'anthropic-version': '2023-06-01' } },
    body: {
      model: 'm',
      max_tokens: 64,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    },
  });
  // @ts-expect-error the Messages API requires \`max_tokens\`
  await client.POST('/v1/messages', { body: { model: 'm', messages: [] } });
  return [
    message.data?.stop_reason ?? '',
    response?.id ?? '',
    chat.data?.choices[0]?.message.content ?? '',
    models.data?.data[0]?.id ?? '',
    servers.data?.data[0]?.transport ?? '',
    health.data?.status ?? '',
    String(items.data?.has_more),
  ];
}
`;

/** TypeScript's diagnostics for the generated client and USAGE. */
function typeCheck(generated: string): string[] {
  // Under node_modules/, so `openapi-fetch` resolves from the temp dir.
  const dir = mkdtempSync(join(ROOT, 'node_modules', '.openapi-client-'));
  try {
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    writeFileSync(join(dir, 'gateway-client.d.ts'), generated);
    writeFileSync(join(dir, 'usage.ts'), USAGE);
    const program = ts.createProgram([join(dir, 'usage.ts')], {
      strict: true,
      noUncheckedIndexedAccess: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2023,
      noEmit: true,
      types: [],
    });
    return ts
      .getPreEmitDiagnostics(program)
      .map((diagnostic) =>
        ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('a client generated from the OpenAPI document', () => {
  const document = committedDocument();
  const responses = new DocumentResponses(document);
  let upstream: FakeUpstream;
  let gateway: RunningGateway;
  // The generated `paths` exist only at test time: the runtime calls are
  // untyped here, and typeCheck() proves the typed ones compile.
  let client: ReturnType<typeof createClient<any>>;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      UPSTREAM_MAX_RETRIES: '0',
    });
    client = createClient<any>({ baseUrl: gateway.url });
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  it('is generated by openapi-typescript and type-checks', async () => {
    // A copy: openapi-typescript rewrites the document it is given.
    // `defaultNonNullable: false`, as the README says: otherwise fields
    // with a default (`stream`, `store`, …) become required in request bodies.
    const generated = astToString(
      await openapiTS(structuredClone(document) as never, {
        defaultNonNullable: false,
      }),
    );
    expect(generated).toContain('"/v1/responses"');
    expect(typeCheck(generated)).toEqual([]);
  }, 60_000);

  it('creates a response that matches the Response schema', async () => {
    upstream.enqueue({ kind: 'json', body: completion({ content: 'hello' }) });
    const { data, response } = await client.POST('/v1/responses', {
      params: { header: { 'x-request-id': 'req_generated_client' } },
      body: { model: 'fake-model', input: 'hi' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('req_generated_client');
    expect(data.output_text ?? data.output).toBeTruthy();
    expect(responses.errors('POST', '/v1/responses', 200, data)).toEqual([]);
  });

  it('creates a chat completion that matches its schema', async () => {
    // The completion is the upstream's, relayed: it matches the schema when
    // the upstream's does (OpenAI's requires `refusal`).
    upstream.enqueue({
      kind: 'json',
      body: completion({ content: 'hello', refusal: null }),
    });
    const { data, response } = await client.POST('/v1/chat/completions', {
      body: {
        model: 'fake-model',
        messages: [{ role: 'user', content: 'hi' }],
      },
    });
    expect(response.status).toBe(200);
    expect(data.choices[0].message.content).toBe('hello');
    expect(responses.errors('POST', '/v1/chat/completions', 200, data)).toEqual(
      [],
    );
  });

  it('lists models, health and MCP servers as documented', async () => {
    for (const path of ['/v1/models', '/health', '/v1/mcp/servers']) {
      const { data, response } = await client.GET(path, {});
      expect(response.status, path).toBe(200);
      expect(responses.errors('GET', path, 200, data), path).toEqual([]);
    }
  });

  it('answers errors in the documented error shape', async () => {
    const { error, response } = await client.GET('/v1/responses/{id}', {
      params: { path: { id: 'resp_missing' } },
    });
    expect(response.status).toBe(404);
    expect(responses.errors('GET', '/v1/responses/{id}', 404, error)).toEqual(
      [],
    );
  });

  it('rejects an answer that breaks the schema (the check can fail)', () => {
    expect(
      responses.errors('GET', '/health', 200, { status: 'fine' }),
    ).not.toEqual([]);
  });
});
