import 'reflect-metadata';
import { PassThrough } from 'node:stream';
import { Logger } from '@nestjs/common';
import { tap, type Observable, type Subscription } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { textStream } from '../../test/support/chat-chunks.js';
import {
  FakeUpstream,
  type FakeReply,
} from '../../test/support/fake-upstream.js';
import {
  onceOnChannel,
  UpstreamConnections,
} from '../../test/support/upstream-connections.js';
import { waitUntil } from '../../test/support/wait-until.js';
import type { ChatCompletionRequest } from '../protocol/chat-completion.types.js';
import { LlmClientService } from './llm-client.service.js';
import { UpstreamRegistry } from './upstream-registry.service.js';

const BYSTANDER = 'bystander';

function body(content: string): ChatCompletionRequest {
  return { model: 'm', messages: [{ role: 'user', content }] };
}

/** Subscribes to a stream; resolves with its subscription once `first` says so. */
function subscribeUntil(
  stream$: Observable<unknown>,
  first: () => boolean | Promise<boolean>,
): Promise<Subscription> {
  const subscription = stream$.subscribe({ error: () => undefined });
  return waitUntil(first, () => 'the call to get going').then(
    () => subscription,
  );
}

// LlmClientService against a FakeUpstream on a real socket, its connections
// seen through undici's diagnostics channels. A call aborted at any point of
// its life leaves no connection open that carries no request, while another
// call (the bystander) keeps the pool in use.
describe('upstream connections', () => {
  let upstream: FakeUpstream;
  let port: string;
  let replyForCall: FakeReply;
  const services: LlmClientService[] = [];
  const calls: Subscription[] = [];
  let connections: UpstreamConnections;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    upstream = await FakeUpstream.start();
    port = new URL(upstream.baseUrl).port;
    upstream.setHandler((request) =>
      JSON.stringify(request.body).includes(BYSTANDER)
        ? { kind: 'stall' }
        : replyForCall,
    );
  });
  afterEach(async () => {
    calls.splice(0).forEach((call) => call.unsubscribe());
    connections?.stop();
    await Promise.all(services.splice(0).map((s) => s.onApplicationShutdown()));
    upstream.requests.length = 0;
  });
  afterAll(async () => {
    await upstream.close();
  });

  function create(): LlmClientService {
    const settings = {
      baseUrl: upstream.baseUrl,
      apiKey: 'sk-one',
      connectTimeoutMs: 2_000,
      readTimeoutMs: 60_000,
      totalTimeoutMs: 60_000,
      maxEventBytes: 1024 * 1024,
      maxBodyBytes: 1024 * 1024,
      maxAnswerBytes: 4 * 1024 * 1024,
    };
    const config = {
      upstreams: [],
      fallback: undefined,
      defaultToolCallFormat: 'auto',
      maxRetries: 0,
    };
    const sut = new LlmClientService(
      settings,
      config,
      new UpstreamRegistry(settings, config),
    );
    services.push(sut);
    return sut;
  }

  const callsSeen = (count: number) => (): boolean =>
    upstream.chatRequests.length >= count;

  /** Runs the call under test and aborts it at one point of its life; resolves once it ended. */
  type AbortedCall = (sut: LlmClientService) => Promise<void>;

  const abortedJson =
    (whenToAbort: (abort: () => void) => void): AbortedCall =>
    async (sut) => {
      const controller = new AbortController();
      whenToAbort(() => controller.abort());
      const error = await sut
        .createChatCompletion(body('call'), { signal: controller.signal })
        .catch((e: unknown) => e);
      expect((error as Error).name).toBe('AbortError');
    };

  const stages: [string, FakeReply, AbortedCall][] = [
    ['before it is sent', { kind: 'stall' }, abortedJson((abort) => abort())],
    [
      'while its connection is being made',
      { kind: 'stall' },
      abortedJson((abort) =>
        onceOnChannel('undici:client:beforeConnect', port, abort),
      ),
    ],
    [
      'once its body is written',
      { kind: 'stall' },
      abortedJson((abort) =>
        onceOnChannel('undici:request:bodySent', port, abort),
      ),
    ],
    [
      'while the upstream has it, before the headers (JSON)',
      { kind: 'stall' },
      abortedJson((abort) => {
        void waitUntil(callsSeen(2), () => 'the call upstream').then(abort);
      }),
    ],
    [
      'while the upstream has it, before the headers (stream)',
      { kind: 'stall' },
      async (sut) => {
        const call = await subscribeUntil(
          sut.streamChat(body('call')),
          callsSeen(2),
        );
        call.unsubscribe();
      },
    ],
    [
      'while its answer streams',
      { kind: 'stream', chunks: textStream(['a', 'b']), stallAfter: 1 },
      async (sut) => {
        let chunks = 0;
        const call = await subscribeUntil(
          sut.streamChat(body('call')).pipe(tap(() => (chunks += 1))),
          () => chunks > 0,
        );
        call.unsubscribe();
      },
    ],
  ];

  it.each(stages)(
    'aborted %s: no connection is left that carries no request',
    async (_stage, reply, abortedCall) => {
      replyForCall = reply;
      const sut = create();
      connections = new UpstreamConnections(port);
      const bystander = await subscribeUntil(
        sut.streamChat(body(BYSTANDER)),
        callsSeen(1),
      );
      calls.push(bystander);
      const kept = [...connections.open];
      expect(kept).toHaveLength(1);

      await abortedCall(sut);
      await waitUntil(
        () => connections.settledTo(kept),
        () => `only the bystander's connection (${connections.describe()})`,
      );
      expect(connections.unused, connections.describe()).toBe(0);

      bystander.unsubscribe();
      await waitUntil(
        () => connections.settledTo([]),
        () => `no connection (${connections.describe()})`,
      );
      expect(connections.unused, connections.describe()).toBe(0);
    },
  );

  it('keeps a new connection whose streamed body comes after it is made', async () => {
    const sut = create();
    connections = new UpstreamConnections(port);
    const late = new PassThrough();
    onceOnChannel('undici:client:connected', port, () =>
      late.end('{"late":true}'),
    );
    const response = await sut.forward(
      {
        method: 'POST',
        pathAndQuery: '/echo',
        headers: { 'content-type': 'application/json' },
        body: late,
      },
      new AbortController().signal,
    );
    const echoed = (await response.body.json()) as { body: string };
    expect(response.statusCode).toBe(200);
    expect(echoed.body).toBe('{"late":true}');
    expect(connections.unused, connections.describe()).toBe(0);
  });
});
