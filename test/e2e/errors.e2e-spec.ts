import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LifecycleStateService } from '../../src/lifecycle/lifecycle-state.service.js';
import { completion } from '../support/chat-chunks.js';
import {
  closedPort,
  expectOpenAiError,
} from '../support/error-expectations.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';
import { waitUntil } from '../support/wait-until.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';

// Mid-stream failures are in stream-errors.e2e-spec.ts.
const READ_TIMEOUT_MS = 300;
const BODY_LIMIT_BYTES = 2048;

const chatBody = {
  model: 'fake-model',
  messages: [{ role: 'user', content: 'hi' }],
};

describe('errors', () => {
  const harness = useGatewayWithUpstream({
    env: {
      UPSTREAM_READ_TIMEOUT_MS: String(READ_TIMEOUT_MS),
      BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES),
    },
  });

  const post = (path: string, body: string, headers = {}) =>
    fetch(`${harness.gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const postChat = (body: unknown) =>
    post('/v1/chat/completions', JSON.stringify(body));

  describe('request validation', () => {
    it('answers malformed JSON with 400', async () => {
      await expectOpenAiError(
        await post('/v1/chat/completions', '{"model": "m", '),
        400,
        { type: 'invalid_request_error', code: 'invalid_json', param: null },
      );
      expect(harness.upstream.requests).toEqual([]);
    });

    it('answers an empty JSON body with 400', async () => {
      await expectOpenAiError(await post('/v1/chat/completions', ''), 400, {
        type: 'invalid_request_error',
      });
    });

    it.each([
      ['an array', '[{"model":"m"}]'],
      ['a string', '"hello"'],
      ['a number', '42'],
      ['null', 'null'],
    ])('answers a body that is %s with 400', async (_name, body) => {
      const error = await expectOpenAiError(
        await post('/v1/chat/completions', body),
        400,
        { type: 'invalid_request_error' },
      );
      expect(error.message).toMatch(/JSON object/);
      expect(harness.upstream.requests).toEqual([]);
    });

    it.each([
      ['model', { ...chatBody, model: 42 }],
      ['model', { messages: [] }],
      ['messages', { ...chatBody, messages: 'hi' }],
      ['messages', { model: 'm' }],
      ['stream', { ...chatBody, stream: 'yes' }],
    ])('names %s as param when its type is wrong', async (param, body) => {
      const error = await expectOpenAiError(await postChat(body), 400, {
        type: 'invalid_request_error',
        param,
      });
      expect(error.message).toContain(param);
      expect(harness.upstream.requests).toEqual([]);
    });

    it('forwards unknown request fields untouched', async () => {
      const body = {
        ...chatBody,
        temperature: 0.3,
        some_future_field: { nested: [1, null, 'x'], flag: false },
        metadata: { a: 'b' },
      };
      harness.upstream.enqueue({
        kind: 'json',
        body: completion({ content: 'ok' }),
      });
      expect((await postChat(body)).status).toBe(200);
      expect(harness.upstream.chatRequests[0]!.body).toEqual({
        ...body,
        stream: false,
      });
    });

    it('answers a body over BODY_LIMIT_BYTES with 413', async () => {
      const big = { ...chatBody, padding: 'x'.repeat(BODY_LIMIT_BYTES) };
      await expectOpenAiError(await postChat(big), 413, {
        type: 'invalid_request_error',
        code: 'payload_too_large',
      });
      expect(harness.upstream.requests).toEqual([]);
    });

    it('answers a pass-through body over BODY_LIMIT_BYTES with 413', async () => {
      const big = JSON.stringify({ input: 'x'.repeat(BODY_LIMIT_BYTES) });
      await expectOpenAiError(await post('/v1/embeddings', big), 413, {
        code: 'payload_too_large',
      });
      expect(harness.upstream.requests).toEqual([]);
    });

    it('answers a chunked pass-through body over BODY_LIMIT_BYTES with 413', async () => {
      const piece = new TextEncoder().encode('x'.repeat(512));
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 8) {
            controller.enqueue(piece);
          } else {
            controller.close();
          }
        },
      });
      const response = await fetch(`${harness.gateway.url}/v1/files`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body,
        duplex: 'half',
      });
      await expectOpenAiError(response, 413, { code: 'payload_too_large' });
    });

    it('forwards a pass-through body under BODY_LIMIT_BYTES', async () => {
      const response = await post('/v1/embeddings', '{"input":"small"}');
      expect(response.status).toBe(200);
      const echoed = (await response.json()) as { body: string };
      expect(echoed.body).toBe('{"input":"small"}');
    });

    it('answers an unknown route outside /v1 with an OpenAI-shaped 404', async () => {
      await expectOpenAiError(await fetch(`${harness.gateway.url}/nope`), 404, {
        type: 'invalid_request_error',
      });
      await expectOpenAiError(
        await fetch(`${harness.gateway.url}/v2/chat/completions`, {
          method: 'POST',
        }),
        404,
      );
    });
  });

  describe('upstream failures before the first byte', () => {
    it('answers an upstream timeout with 504', async () => {
      harness.upstream.enqueue({ kind: 'stall' });
      await expectOpenAiError(await postChat(chatBody), 504, {
        type: 'upstream_error',
        code: 'upstream_timeout',
      });
    });

    it('answers an upstream timeout of a stream with 504, not a broken stream', async () => {
      harness.upstream.enqueue({ kind: 'stall' });
      await expectOpenAiError(
        await postChat({ ...chatBody, stream: true }),
        504,
        {
          code: 'upstream_timeout',
        },
      );
    });

    it('passes an upstream 500 with an OpenAI body through as it is', async () => {
      const body = {
        error: {
          message: 'CUDA out of memory',
          type: 'server_error',
          param: null,
          code: 'oom',
        },
      };
      harness.upstream.enqueue({ kind: 'error', status: 500, body });
      const response = await postChat(chatBody);
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual(body);
      harness.upstream.enqueue({ kind: 'error', status: 500, body });
      const streamed = await postChat({ ...chatBody, stream: true });
      expect(streamed.status).toBe(500);
      expect(await streamed.json()).toEqual(body);
    });

    it('wraps an upstream 500 with a non-JSON body in the OpenAI shape', async () => {
      harness.upstream.enqueue({
        kind: 'error',
        status: 500,
        body: 'Internal Error',
      });
      const error = await expectOpenAiError(await postChat(chatBody), 500, {
        type: 'upstream_error',
      });
      expect(error.message).toContain('Internal Error');
    });

    it('answers a non-JSON 200 body with 502', async () => {
      harness.upstream.enqueue({
        kind: 'error',
        status: 200,
        body: 'not json',
      });
      await expectOpenAiError(await postChat(chatBody), 502, {
        code: 'upstream_bad_response',
      });
    });

    it('answers a socket the upstream destroys with 502', async () => {
      harness.upstream.enqueue({ kind: 'destroy' });
      await expectOpenAiError(await postChat(chatBody), 502, {
        code: 'upstream_unreachable',
      });
    });
  });

  describe('readiness', () => {
    it('turns /ready to 503 once shutdown begins', async () => {
      expect((await fetch(`${harness.gateway.url}/ready`)).status).toBe(200);
      harness.gateway.app.get(LifecycleStateService).startDraining();
      const response = await fetch(`${harness.gateway.url}/ready`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: 'draining' });
      // Liveness is unaffected.
      expect((await fetch(`${harness.gateway.url}/health`)).status).toBe(200);
    });
  });
});

describe('errors when the upstream is down', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: `http://127.0.0.1:${await closedPort()}/v1`,
      UPSTREAM_PROBE_INTERVAL: '30',
    });
  });
  afterAll(() => gateway.close());

  it('answers a chat completion with 502', async () => {
    await expectOpenAiError(
      await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(chatBody),
      }),
      502,
      { type: 'upstream_error', code: 'upstream_unreachable' },
    );
  });

  it('answers a streaming chat completion with 502, not a broken stream', async () => {
    await expectOpenAiError(
      await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...chatBody, stream: true }),
      }),
      502,
      { code: 'upstream_unreachable' },
    );
  });

  it('answers a pass-through request with 502', async () => {
    await expectOpenAiError(await fetch(`${gateway.url}/v1/models`), 502, {
      code: 'upstream_unreachable',
    });
  });

  it('stays ready (200) and reports the upstream down in /ready', async () => {
    // The upstream's state is the verdict of the health probe, not of /ready:
    // a down upstream must not take every replica out at once.
    let body: unknown;
    await waitUntil(
      async () => {
        const ready = await fetch(`${gateway.url}/ready`);
        expect(ready.status).toBe(200);
        body = await ready.json();
        return (
          (body as { upstreams: Record<string, { state: string }> }).upstreams
            .default?.state === 'down'
        );
      },
      () =>
        `the default upstream reported down; /ready said ${JSON.stringify(body)}`,
    );
    expect(body).toMatchObject({
      status: 'ready',
      upstreams: { default: { state: 'down', status: null } },
    });
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
  });
});
