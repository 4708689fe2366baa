import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chunk,
  completion,
  textStream,
  toolCallStream,
} from '../support/chat-chunks.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import {
  committedDocument,
  DocumentResponses,
  type SseEvent,
  sseEvents,
} from '../support/gateway-openapi.js';
import { dig } from '../support/json-dig.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';

const MODEL = 'fake-model';
const DONE: SseEvent = { data: '[DONE]' };

/**
 * What the document says about streams and headers, held against the
 * running gateway: every event of a real stream must be one the operation's
 * `itemSchema` describes, `[DONE]` included. (openapi.e2e-spec.ts proves
 * the committed document is the served one.)
 */
describe('the OpenAPI document against real streams', () => {
  const harness = useGatewayWithUpstream();
  const documented = new DocumentResponses(committedDocument());

  const post = (
    path: string,
    body: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<Response> =>
    fetch(`${harness.gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model: MODEL, stream: true, ...body }),
    });

  /** Every event's errors against the documented itemSchema, by index. */
  const undocumented = (path: string, events: SseEvent[]): string[] =>
    events.flatMap((event, index) =>
      documented
        .streamEventErrors('POST', path, event)
        .map((error) => `#${String(index)} ${error}`),
    );

  it.each(['/v1/responses', '/responses'])(
    'a Responses stream on %s is the documented events, then the documented [DONE]',
    async (path) => {
      harness.upstream.enqueue({
        kind: 'stream',
        chunks: textStream(['Hel', 'lo']),
      });
      const events = await sseEvents(await post(path, { input: 'hi' }));
      expect(events.at(-1)).toEqual(DONE);
      expect(events.at(-2)?.event).toBe('response.completed');
      expect(undocumented(path, events)).toEqual([]);
    },
  );

  it('with x-responses-event-naming: open-responses, the renamed reasoning events are documented too', async () => {
    harness.upstream.enqueue({
      kind: 'stream',
      chunks: [
        chunk({ role: 'assistant', reasoning_content: 'think' }),
        chunk({ reasoning_content: ' more' }),
        ...textStream(['answer']),
      ],
    });
    const events = await sseEvents(
      await post(
        '/v1/responses',
        { input: 'hi' },
        { 'x-responses-event-naming': 'open-responses' },
      ),
    );
    const names = events.map((event) => event.event);
    expect(names).toContain('response.reasoning.delta');
    expect(names).toContain('response.reasoning.done');
    expect(undocumented('/v1/responses', events)).toEqual([]);
  });

  it('a chat stream is the documented chunks, then the documented [DONE]', async () => {
    harness.upstream.enqueue({
      kind: 'stream',
      chunks: textStream(['Hel', 'lo']),
    });
    const path = '/v1/chat/completions';
    const events = await sseEvents(
      await post(path, { messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(events.at(-1)).toEqual(DONE);
    expect(events.length).toBeGreaterThan(3);
    expect(undocumented(path, events)).toEqual([]);
  });

  it('a chat stream that fails ends with the documented error event, without [DONE]', async () => {
    harness.upstream.enqueue({
      kind: 'stream',
      chunks: [
        chunk({ content: 'first' }),
        { error: { message: 'engine died', type: 'server_error', code: 500 } },
      ],
    });
    const path = '/v1/chat/completions';
    const events = await sseEvents(
      await post(path, { messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(events).not.toContainEqual(DONE);
    expect(JSON.parse(events.at(-1)!.data)).toHaveProperty('error.code');
    expect(undocumented(path, events)).toEqual([]);
  });

  it('a Messages stream with thinking, text and a tool call is the documented events', async () => {
    harness.upstream.enqueue({
      kind: 'stream',
      chunks: [
        chunk({ role: 'assistant', reasoning_content: 'think' }),
        chunk({ content: 'Let me look.' }),
        ...toolCallStream([{ name: 'read_file', arguments: '{"path":"a"}' }]),
      ],
    });
    const path = '/v1/messages';
    const events = await sseEvents(
      await post(path, {
        max_tokens: 64,
        messages: [{ role: 'user', content: 'hi' }],
        tools: [{ name: 'read_file', input_schema: { type: 'object' } }],
      }),
    );
    const deltas = events
      .filter((event) => event.event === 'content_block_delta')
      .map((event) => dig(JSON.parse(event.data), 'delta', 'type'));
    expect(new Set(deltas)).toEqual(
      new Set([
        'thinking_delta',
        'signature_delta',
        'text_delta',
        'input_json_delta',
      ]),
    );
    expect(events.at(-1)?.event).toBe('message_stop');
    expect(undocumented(path, events)).toEqual([]);
  });

  it('a Messages answer without stream is the documented message', async () => {
    harness.upstream.enqueue({
      kind: 'json',
      body: completion({ content: 'hello', reasoning_content: 'think' }),
    });
    const answer = await post('/v1/messages', {
      stream: false,
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(answer.status).toBe(200);
    const message = (await answer.json()) as { content: { type: string }[] };
    expect(message.content.map((block) => block.type)).toEqual([
      'thinking',
      'text',
    ]);
    expect(documented.errors('POST', '/v1/messages', 200, message)).toEqual([]);
  });

  it('tells undocumented events apart (the check can fail)', () => {
    const path = '/v1/responses';
    for (const event of [
      { event: 'response.created', data: '[DONE]' },
      { event: 'response.created', data: '{"type":"response.bogus"}' },
      { data: '{"type":"response.created"}' },
    ]) {
      expect(
        documented.streamEventErrors('POST', path, event),
        JSON.stringify(event),
      ).not.toEqual([]);
    }
    expect(
      documented.streamEventErrors('POST', '/v1/chat/completions', {
        event: 'x',
        data: '[DONE]',
      }),
    ).not.toEqual([]);
    expect(
      documented.streamEventErrors('POST', '/v1/messages', {
        event: 'ping',
        data: '{"type":"pong"}',
      }),
    ).not.toEqual([]);
  });

  it('echoes an x-request-id the documented pattern admits, and replaces one it refuses', async () => {
    const pattern = dig(
      committedDocument(),
      'components',
      'parameters',
      'RequestId',
      'schema',
    );
    const admits = new Ajv2020().compile(pattern as object);
    for (const id of ['req_1.a:b@c-d', 'a b', 'x'.repeat(129)]) {
      const answer = await fetch(`${harness.gateway.url}/health`, {
        headers: { 'x-request-id': id },
      });
      await answer.arrayBuffer();
      expect(answer.headers.get('x-request-id') === id, id).toBe(admits(id));
    }
  });
});

describe('the documented x-request-id of a pass-through answer', () => {
  let upstream: Server;
  let gateway: RunningGateway;

  beforeAll(async () => {
    // An upstream that names its own request ids, as OpenAI does.
    upstream = createServer((_request, response) =>
      response
        .writeHead(200, {
          'content-type': 'application/json',
          'x-request-id': 'req_upstream',
        })
        .end('{}'),
    );
    await new Promise<void>((resolve) =>
      upstream.listen(0, '127.0.0.1', resolve),
    );
    const { port } = upstream.address() as AddressInfo;
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: `http://127.0.0.1:${String(port)}/v1`,
    });
  });
  afterAll(async () => {
    await gateway.close();
    await new Promise((resolve) => upstream.close(resolve));
  });

  it("is the upstream's own when it sends one", async () => {
    const answer = await fetch(`${gateway.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'mine' },
      body: '{}',
    });
    await answer.arrayBuffer();
    expect(answer.headers.get('x-request-id')).toBe('req_upstream');
    const described = JSON.stringify(
      dig(committedDocument(), 'components', 'headers', 'RequestId'),
    );
    expect(described).toContain("upstream's own `x-request-id`");
  });
});
