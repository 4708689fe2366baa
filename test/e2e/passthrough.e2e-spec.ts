import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import {
  completion,
  textStream,
  toolCallStream,
} from '../support/chat-chunks.js';
import { useGatewayWithUpstream } from '../support/gateway-with-upstream.js';

describe('chat completions and pass-through', () => {
  const harness = useGatewayWithUpstream({
    env: {
      OPENAI_API_KEY: 'sk-upstream-secret',
      // Upstream errors pass through here as they are; retries are covered
      // by routing.e2e-spec.ts and llm-client.service.spec.ts.
      UPSTREAM_MAX_RETRIES: '0',
    },
    apiKey: 'sk-client',
  });

  /** POSTs a chat request for `fake-model` with the client key, plus `fields`. */
  const postChat = (fields: Record<string, unknown>): Promise<Response> =>
    fetch(`${harness.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer sk-client',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model: 'fake-model',
        messages: [{ role: 'user', content: 'hi' }],
        ...fields,
      }),
    });

  it('returns a non-streaming completion through the openai client', async () => {
    harness.upstream.enqueue({
      kind: 'json',
      body: completion({ content: 'hello there' }),
    });
    const result = await harness.client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.2,
    });
    expect(result.choices[0]!.message.content).toBe('hello there');
    const sent = harness.upstream.chatRequests[0]!;
    expect(sent.body).toMatchObject({
      model: 'fake-model',
      temperature: 0.2,
      stream: false,
    });
    expect(sent.headers.authorization).toBe('Bearer sk-upstream-secret');
  });

  // A completion the decoder would not change goes out as the upstream's
  // own text (no JSON.stringify); one it changes goes out as decoded.
  it("sends a completion in OpenAI's own form as the upstream wrote it, others as decoded", async () => {
    const openAiForm = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'fake-model',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'caf\u00e9 "q"',
            refusal: null,
            annotations: [],
          },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
      service_tier: 'default',
      system_fingerprint: null,
    };
    const answer = async (body: string) => {
      harness.upstream.enqueue({
        kind: 'raw',
        status: 200,
        headers: { 'content-type': 'application/json' },
        body,
      });
      const response = await postChat({});
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(
        'application/json; charset=utf-8',
      );
      return response.text();
    };

    // OpenAI's API writes its JSON indented: the client gets those bytes.
    const pretty = JSON.stringify(openAiForm, null, 2);
    expect(await answer(pretty)).toBe(pretty);

    // vLLM's nulls (no refusal key, details null) are decoded away.
    const vllmForm = {
      ...openAiForm,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'hi',
            reasoning_content: null,
          },
          finish_reason: 'stop',
        },
      ],
      usage: { ...openAiForm.usage, prompt_tokens_details: null },
    };
    const decoded = JSON.parse(
      await answer(JSON.stringify(vllmForm, null, 2)),
    ) as typeof openAiForm;
    expect(decoded.choices[0]!.message).toEqual({
      role: 'assistant',
      content: 'hi',
      refusal: null,
    });
    expect(decoded.usage).toEqual(openAiForm.usage);
  });

  it('streams a completion chunk by chunk through the openai client', async () => {
    harness.upstream.enqueue({
      kind: 'stream',
      chunks: textStream(['Hel', 'lo', ' world']),
    });
    const stream = await harness.client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const pieces: string[] = [];
    for await (const part of stream) {
      expect(part.usage ?? null).toBeNull();
      pieces.push(part.choices[0]?.delta.content ?? '');
    }
    expect(pieces.join('')).toBe('Hello world');
    expect(harness.upstream.chatRequests[0]!.body.stream_options).toEqual({
      include_usage: true,
    });
  });

  it('keeps the usage chunk when the client asks for it, and tool_calls untouched', async () => {
    harness.upstream.enqueue({
      kind: 'stream',
      chunks: toolCallStream([
        { name: 'get_weather', arguments: '{"city":"Paris"}' },
      ]),
    });
    const stream = harness.client.chat.completions.stream({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'weather?' }],
      stream_options: { include_usage: true },
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', parameters: { type: 'object' } },
        },
      ],
    });
    const final = await stream.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && call.function).toEqual({
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
    });
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(final.usage?.total_tokens).toBe(30);
  });

  // The fast path writes most chunks as the upstream's own text, unparsed;
  // what the gateway must act on (finish, usage) still goes through a parse.
  it('forwards chunks byte for byte: vendor fields, key order, escapes, usage:null', async () => {
    const upstreamLines = [
      '{"choices":[{"delta":{"role":"assistant","content":""},"index":0,"finish_reason":null}],"id":"c","x_vendor":{"k":[1,2]},"usage":null}',
      '{"id":"c","choices":[{"index":0,"delta":{"content":"caf\\u00e9 \\"q\\" \\n"},"finish_reason":null}],"usage":null}',
      '{"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}',
      '{"id":"c","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}',
    ];
    const streamFrom = async (includeUsage: boolean): Promise<string[]> => {
      harness.upstream.enqueue({
        kind: 'stream',
        chunks: upstreamLines.map((line) => `data: ${line}\n\n`),
      });
      const response = await postChat({
        stream: true,
        stream_options: { include_usage: includeUsage },
      });
      const text = await response.text();
      return text
        .split('\n\n')
        .filter((frame) => frame.startsWith('data: '))
        .map((frame) => frame.slice('data: '.length));
    };

    const withUsage = await streamFrom(true);
    expect(withUsage.slice(0, 2)).toEqual(upstreamLines.slice(0, 2));
    expect(
      withUsage.slice(2, 4).map((line) => JSON.parse(line) as unknown),
    ).toEqual(
      upstreamLines.slice(2).map((line) => JSON.parse(line) as unknown),
    );
    expect(withUsage.slice(4)).toEqual(['[DONE]']);

    // Without include_usage, every usage key and the usage chunk are gone.
    const withoutUsage = await streamFrom(false);
    expect(withoutUsage).toHaveLength(4);
    const parsed = withoutUsage
      .slice(0, 3)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.every((chunk) => !('usage' in chunk))).toBe(true);
    expect(parsed[0]).toMatchObject({ x_vendor: { k: [1, 2] } });
    expect(parsed[1]).toMatchObject({
      choices: [{ delta: { content: 'café "q" \n' } }],
    });
    expect(withoutUsage[3]).toBe('[DONE]');
  });

  it('lists models through the pass-through proxy', async () => {
    const models = await harness.client.models.list();
    expect(models.data.map((m) => m.id)).toEqual([
      'fake-model',
      'fake-model-2',
    ]);
    expect(harness.upstream.requests[0]!.url).toBe('/v1/models');
  });

  it('forwards any method and path with its query, replacing the client key', async () => {
    const response = await fetch(
      `${harness.gateway.url}/v1/embeddings?dims=3&x=a%20b`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer sk-client',
          connection: 'keep-alive',
        },
        body: JSON.stringify({
          model: 'e',
          input: 'text',
          unknown_field: [1, 2],
        }),
      },
    );
    expect(response.status).toBe(200);
    const echoed = (await response.json()) as any;
    expect(echoed.url).toBe('/v1/embeddings?dims=3&x=a%20b');
    expect(JSON.parse(echoed.body)).toEqual({
      model: 'e',
      input: 'text',
      unknown_field: [1, 2],
    });
    expect(echoed.headers.authorization).toBe('Bearer sk-upstream-secret');
  });

  it('streams proxied SSE bodies without buffering', async () => {
    const response = await fetch(`${harness.gateway.url}/v1/echo-stream`);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    const first = await reader.read();
    // The first event arrives long before the upstream finishes (5 × 20 ms).
    expect(new TextDecoder().decode(first.value)).toContain('data: {"n":0}');
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      rest += new TextDecoder().decode(r.value);
    }
    expect(rest).toContain('data: [DONE]');
  });

  it('returns the upstream status and its OpenAI-shaped error body', async () => {
    harness.upstream.enqueue({
      kind: 'error',
      status: 429,
      body: {
        error: {
          message: 'slow down',
          type: 'rate_limit_error',
          param: null,
          code: 'rate_limit_exceeded',
        },
      },
    });
    const error = await harness.client.chat.completions
      .create({
        model: 'fake-model',
        messages: [{ role: 'user', content: 'hi' }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain(
      'slow down',
    );
  });

  it('echoes an incoming x-request-id and generates one otherwise', async () => {
    const given = await fetch(`${harness.gateway.url}/health`, {
      headers: { 'x-request-id': 'req-abc-123' },
    });
    expect(given.headers.get('x-request-id')).toBe('req-abc-123');
    const generated = await fetch(`${harness.gateway.url}/health`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves health, readiness and the root document', async () => {
    expect((await fetch(`${harness.gateway.url}/health`)).status).toBe(200);
    const ready = await fetch(`${harness.gateway.url}/ready`);
    expect(ready.status).toBe(200);
    const root = (await (await fetch(`${harness.gateway.url}/`)).json()) as any;
    expect(root.name).toBe('open-responses-gateway');
    expect(root.endpoints).toContain('POST /v1/chat/completions');
  });
});
