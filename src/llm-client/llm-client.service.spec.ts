import 'reflect-metadata';
import { Readable } from 'node:stream';
import { lastValueFrom, map, toArray, type Observable } from 'rxjs';
import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { completion, textStream } from '../../test/support/chat-chunks.js';
import { closedPort } from '../../test/support/error-expectations.js';
import { FakeUpstream } from '../../test/support/fake-upstream.js';
import { waitUntil } from '../../test/support/wait-until.js';
import { GatewayException } from '../common/errors/gateway.exception.js';
import type { ChatCompletionChunk } from '../protocol/chat-completion.types.js';
import type { UpstreamChunk } from './decoder/stream-items.js';
import { LlmClientService } from './llm-client.service.js';
import { UpstreamRegistry } from './upstream-registry.service.js';
import { UpstreamRouter } from './upstream-router.service.js';
import { parseUpstreamsConfig } from '../config/upstreams/upstreams-config.parser.js';

// LlmClientService and UpstreamRouter built from plain config objects, no Nest,
// against FakeUpstreams on real sockets.
describe(LlmClientService.name, () => {
  let one: FakeUpstream;
  let two: FakeUpstream;
  let deadUrl: string;
  const services: LlmClientService[] = [];
  const warnings: unknown[][] = [];

  beforeAll(async () => {
    Logger.overrideLogger({
      log: () => undefined,
      error: () => undefined,
      warn: (...args: unknown[]) => warnings.push(args),
    });
    one = await FakeUpstream.start();
    two = await FakeUpstream.start();
    deadUrl = `http://127.0.0.1:${await closedPort()}/v1`;
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.onApplicationShutdown()));
    await Promise.all([one.close(), two.close()]);
  });
  beforeEach(() => {
    one.reset();
    two.reset();
    warnings.length = 0;
  });

  /** Default upstream `one`; `upstreams` in the file format. */
  function create(
    upstreams: Record<string, unknown> = {},
    settings: { fallback?: string; maxRetries?: number } = {},
  ): { sut: LlmClientService; router: UpstreamRouter } {
    const file = parseUpstreamsConfig(JSON.stringify({ upstreams }), {
      TWO_KEY: 'sk-two',
    });
    const upstream = {
      baseUrl: one.baseUrl,
      apiKey: 'sk-one',
      connectTimeoutMs: 2_000,
      readTimeoutMs: 10_000,
      totalTimeoutMs: 60_000,
      maxEventBytes: 1024 * 1024,
      maxBodyBytes: 1024 * 1024,
      maxAnswerBytes: 4 * 1024 * 1024,
    };
    const config = {
      upstreams: file.upstreams,
      fallback: settings.fallback,
      defaultToolCallFormat: 'auto',
      maxRetries: settings.maxRetries ?? 2,
    };
    const registry = new UpstreamRegistry(upstream, config);
    const sut = new LlmClientService(upstream, config, registry);
    services.push(sut);
    return { sut, router: new UpstreamRouter(registry) };
  }

  const withTwo = (): Record<string, unknown> => ({
    two: {
      base_url: two.baseUrl,
      api_key_env: 'TWO_KEY',
      models: ['listed-model'],
    },
  });
  const hello = { role: 'user', content: 'hi' };

  it('routes "two/some-model" to upstream two as "some-model"', async () => {
    const { sut, router } = create(withTwo());
    const routed = router.route('two/some-model');
    await sut.createChatCompletion(
      { model: routed.model, messages: [hello] },
      { target: routed.target },
    );
    expect(one.chatRequests).toHaveLength(0);
    expect(two.chatRequests[0]!.body.model).toBe('some-model');
    expect(two.chatRequests[0]!.headers.authorization).toBe('Bearer sk-two');
  });

  it('routes a model that an upstream lists, and anything else to the default', async () => {
    const { sut, router } = create(withTwo());
    for (const model of ['listed-model', 'other-model']) {
      const routed = router.route(model);
      await sut.createChatCompletion(
        { model: routed.model, messages: [hello] },
        { target: routed.target },
      );
    }
    expect(two.chatRequests.map((r) => r.body.model)).toEqual(['listed-model']);
    expect(one.chatRequests.map((r) => r.body.model)).toEqual(['other-model']);
    expect(one.chatRequests[0]!.headers.authorization).toBe('Bearer sk-one');
  });

  it('retries a 503 and returns the answer of the second attempt', async () => {
    const { sut } = create();
    one.enqueue(
      { kind: 'error', status: 503, body: 'overloaded' },
      { kind: 'json', body: completion({ content: 'second time' }) },
    );
    const result = await sut.createChatCompletion({
      model: 'm',
      messages: [hello],
    });
    expect(result.choices[0]!.message.content).toBe('second time');
    expect(one.chatRequests).toHaveLength(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]![0]).toMatchObject({
      upstream: 'default',
      attempt: 1,
      status: 503,
    });
    expect(JSON.stringify(warnings)).not.toContain('sk-one');
  });

  it('waits as long as retry-after asks before the next attempt', async () => {
    const { sut } = create();
    one.enqueue(
      { kind: 'error', status: 429, headers: { 'retry-after': '1' } },
      { kind: 'json', body: completion({ content: 'later' }) },
    );
    await sut.createChatCompletion({ model: 'm', messages: [hello] });
    const [first, second] = one.chatRequests;
    expect(one.chatRequests).toHaveLength(2);
    // A loose lower bound: the backoff alone would retry after ≤ 200 ms.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(900);
  });

  it('passes the last 429 on once the retries ran out', async () => {
    const { sut } = create({}, { maxRetries: 1 });
    one.enqueue(
      { kind: 'error', status: 429, body: 'slow down' },
      { kind: 'error', status: 429, body: 'slow down' },
      { kind: 'json', body: completion({ content: 'never asked' }) },
    );
    const error = await sut
      .createChatCompletion({ model: 'm', messages: [hello] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayException);
    expect((error as GatewayException).options.status).toBe(429);
    expect(one.chatRequests).toHaveLength(2);
  });

  it('never retries a 500', async () => {
    const { sut } = create();
    one.enqueue({ kind: 'error', status: 500, body: 'crashed' });
    await expect(
      sut.createChatCompletion({ model: 'm', messages: [hello] }),
    ).rejects.toBeInstanceOf(GatewayException);
    expect(one.chatRequests).toHaveLength(1);
  });

  it('never retries once the first chunk was emitted', async () => {
    const { sut } = create();
    one.enqueue({
      kind: 'stream',
      chunks: textStream(['a', 'b', 'c']),
      // Spaced out, so the first chunks leave before the socket is destroyed.
      intervalMs: 30,
      disconnectAfter: 2,
    });
    const seen: ChatCompletionChunk[] = [];
    const error = await collect(
      chunksOf(sut.streamChat({ model: 'm', messages: [hello] })),
      seen,
    ).catch((e: unknown) => e);
    expect(seen.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(GatewayException);
    expect(one.chatRequests).toHaveLength(1);
  });

  it('retries a stream whose upstream answered 502 before any chunk', async () => {
    const { sut } = create();
    one.enqueue(
      { kind: 'error', status: 502 },
      { kind: 'stream', chunks: textStream(['ok']) },
    );
    const chunks = await lastValueFrom(
      chunksOf(sut.streamChat({ model: 'm', messages: [hello] })).pipe(
        toArray(),
      ),
    );
    expect(chunks.map((c) => c.choices[0]?.delta.content).join('')).toBe('ok');
    expect(one.chatRequests).toHaveLength(2);
  });

  it('falls back to another upstream when one keeps refusing connections', async () => {
    const { sut, router } = create(
      { gone: { base_url: deadUrl }, ...withTwo() },
      { fallback: 'two', maxRetries: 1 },
    );
    two.enqueue({ kind: 'json', body: completion({ content: 'from two' }) });
    const routed = router.route('gone/kept-model');
    const result = await sut.createChatCompletion(
      { model: routed.model, messages: [hello] },
      { target: routed.target },
    );
    expect(result.choices[0]!.message.content).toBe('from two');
    expect(two.chatRequests[0]!.body.model).toBe('kept-model');
    expect(two.chatRequests[0]!.headers.authorization).toBe('Bearer sk-two');
    expect(warnings.map((w) => w[0])).toEqual([
      expect.objectContaining({ upstream: 'gone', code: 'ECONNREFUSED' }),
      expect.objectContaining({ upstream: 'gone', fallback: 'two' }),
    ]);
  });

  it('reports the refused connection when there is no fallback', async () => {
    const { sut, router } = create(
      { gone: { base_url: deadUrl } },
      {
        maxRetries: 1,
      },
    );
    const error = await sut
      .createChatCompletion(
        { model: 'm', messages: [hello] },
        { target: router.route('m', 'gone').target },
      )
      .catch((e: unknown) => e);
    expect((error as GatewayException).code).toBe('upstream_unreachable');
    expect((error as GatewayException).message).toContain('gone');
  });

  it('stops at once when aborted during a backoff wait', async () => {
    const { sut } = create();
    one.enqueue({
      kind: 'error',
      status: 503,
      headers: { 'retry-after': '30' },
    });
    const abort = new AbortController();
    const pending = sut
      .createChatCompletion(
        { model: 'm', messages: [hello] },
        { signal: abort.signal },
      )
      .catch((e: unknown) => e);
    await waitUntil(
      () => one.chatRequests.length === 1,
      () => 'the first attempt',
    );
    abort.abort();
    const error = (await pending) as Error;
    expect(error.name).toBe('AbortError');
    expect(one.chatRequests).toHaveLength(1);
  });

  it('rewrites tool turns as text for an upstream without a tool role', async () => {
    const { sut, router } = create({
      plain: { base_url: one.baseUrl, supports_tool_role: false },
    });
    const routed = router.route('plain/m');
    expect(routed.supportsToolRole).toBe(false);
    await sut.createChatCompletion(
      {
        model: routed.model,
        messages: [
          hello,
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: {
                  name: 'get_weather',
                  arguments: '{"city":"Paris"}',
                },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        ],
      },
      { target: routed.target },
    );
    expect(one.chatRequests[0]!.body.messages).toEqual([
      hello,
      {
        role: 'assistant',
        content:
          '<tool_call>{"name":"get_weather","arguments":{"city":"Paris"}}</tool_call>',
      },
      {
        role: 'user',
        content: '[tool result name=get_weather call_id=call_1]\nsunny',
      },
    ]);
  });

  describe('forward', () => {
    const failFirst = (): void => {
      let calls = 0;
      one.setHandler(() =>
        ++calls === 1
          ? { kind: 'error', status: 503 }
          : { kind: 'json', body: completion({ content: 'ok' }) },
      );
    };

    it('retries a request without a body', async () => {
      const { sut } = create();
      failFirst();
      const response = await sut.forward(
        { method: 'POST', pathAndQuery: '/chat/completions', headers: {} },
        new AbortController().signal,
      );
      await response.body.dump();
      expect(response.statusCode).toBe(200);
      expect(one.chatRequests).toHaveLength(2);
      expect(one.chatRequests[1]!.headers.authorization).toBe('Bearer sk-one');
    });

    it('passes the status on, unretried, for a streamed body', async () => {
      const { sut } = create();
      failFirst();
      const response = await sut.forward(
        {
          method: 'POST',
          pathAndQuery: '/chat/completions',
          headers: { 'content-type': 'application/json' },
          body: Readable.from([Buffer.from('{"model":"m"}')]),
        },
        new AbortController().signal,
      );
      await response.body.dump();
      expect(response.statusCode).toBe(503);
      expect(one.chatRequests).toHaveLength(1);
    });
  });
});

/** The decoded chunks of a stream read without a shortcut. */
function chunksOf(
  pairs$: Observable<UpstreamChunk>,
): Observable<ChatCompletionChunk> {
  return pairs$.pipe(map((pair) => pair.chunk));
}

/** Subscribes, pushing every chunk into `seen`, until the stream ends. */
function collect(
  chunks$: Observable<ChatCompletionChunk>,
  seen: ChatCompletionChunk[],
): Promise<void> {
  return new Promise((resolve, reject) => {
    chunks$.subscribe({
      next: (chunk) => seen.push(chunk),
      error: reject,
      complete: resolve,
    });
  });
}
