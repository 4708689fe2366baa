import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { waitUntil } from '../support/wait-until.js';
import { send, sseDataOf } from './support/answers.js';
import { LazyUpstream } from './support/lazy-upstream.js';
import {
  after,
  chatBody,
  commentsOnly,
  eventsOf,
  FIRST_CHUNK,
  normalAnswer,
  rateLimited,
  responsesBody,
  steadyChunks,
  trickleAfter,
  trickledJsonBody,
} from './support/limit-scripts.js';

/**
 * Upstreams that never finish although they never fall silent: a byte
 * every 50 ms, or nothing but SSE comments. The total deadline and the
 * wait between two events cut them (small settings here), with a 504
 * before the first byte and a terminal event after it. And a slow start:
 * `: keepalive` comments before response.created.
 */
describe('upstream time limits', () => {
  let upstream: LazyUpstream;
  /** UPSTREAM_TOTAL_TIMEOUT_MS=1500; the read timeout stays long. */
  let total: RunningGateway;
  /** UPSTREAM_READ_TIMEOUT_MS=1000, between two events too. */
  let idle: RunningGateway;

  beforeAll(async () => {
    upstream = await LazyUpstream.start();
    // Both set: a gateway's env stays in process.env while it runs.
    total = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      UPSTREAM_TOTAL_TIMEOUT_MS: '1500',
      UPSTREAM_READ_TIMEOUT_MS: '60000',
    });
    idle = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      UPSTREAM_TOTAL_TIMEOUT_MS: '60000',
      UPSTREAM_READ_TIMEOUT_MS: '1000',
    });
  });
  afterAll(async () => {
    // In reverse order: each restores the env it found at its start.
    await idle?.close();
    await total?.close();
    await upstream?.close();
  });

  const upstreamAborted = (): Promise<void> =>
    waitUntil(
      () => upstream.calls[0]?.aborted === true,
      () => 'the upstream to see the gateway abort',
    );

  /** A 504 upstream_timeout whose message names `setting`. */
  function expectTimeout(
    answer: { status: number; text: string },
    setting: string,
  ) {
    expect(answer.status).toBe(504);
    expect(JSON.parse(answer.text)).toMatchObject({
      error: {
        code: 'upstream_timeout',
        message: expect.stringContaining(setting),
      },
    });
  }

  it.each([
    [
      'a byte-by-byte stream',
      trickleAfter(''),
      '/v1/responses',
      responsesBody(true),
    ],
    [
      'a comments-only stream',
      commentsOnly,
      '/v1/chat/completions',
      chatBody(true),
    ],
    [
      'a byte-by-byte body',
      trickledJsonBody,
      '/v1/chat/completions',
      chatBody(false),
    ],
  ])(
    '%s is cut by the total deadline with a 504',
    async (_name, script, path, body) => {
      upstream.use(script);
      expectTimeout(
        await send(total.url, path, body),
        'UPSTREAM_TOTAL_TIMEOUT_MS',
      );
      await upstreamAborted();
    },
  );

  it('a stream that trickles after its first event ends with response.failed', async () => {
    upstream.use(trickleAfter(FIRST_CHUNK));
    const answer = await send(total.url, '/v1/responses', responsesBody(true));
    expect(answer.status).toBe(200);
    expect(eventsOf(answer.text).at(-1)).toMatchObject({
      type: 'response.failed',
      response: {
        error: {
          message: expect.stringContaining('UPSTREAM_TOTAL_TIMEOUT_MS'),
        },
      },
    });
    await upstreamAborted();
  });

  it('a chat stream that trickles after its first chunk ends with an error chunk', async () => {
    upstream.use(trickleAfter(FIRST_CHUNK));
    const answer = await send(
      total.url,
      '/v1/chat/completions',
      chatBody(true),
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(sseDataOf(answer.text).at(-1)!)).toMatchObject({
      error: { code: 'upstream_timeout' },
    });
    await upstreamAborted();
  });

  it('SSE comments alone do not hold off the read timeout', async () => {
    upstream.use(commentsOnly);
    const answer = await send(idle.url, '/v1/responses', responsesBody(true));
    expectTimeout(answer, 'UPSTREAM_READ_TIMEOUT_MS');
    await upstreamAborted();
  });

  it('a stream whose events keep coming outlives the read timeout', async () => {
    // 20 events 100 ms apart: longer in all than the read timeout.
    upstream.use(steadyChunks(20, 100));
    const answer = await send(idle.url, '/v1/responses', responsesBody(true));
    expect(eventsOf(answer.text).at(-1)).toMatchObject({
      type: 'response.completed',
    });
  });
});

describe('a slow start', () => {
  let upstream: LazyUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await LazyUpstream.start();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      KEEPALIVE_INTERVAL: '1',
      UPSTREAM_MAX_RETRIES: '0',
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  // The upstream answers 1.5 s late: after the 1-s keepalive timer of the
  // same process, whatever the machine's load.
  it('gets a keepalive comment before response.created', async () => {
    upstream.use(after(1500, normalAnswer));
    const answer = await send(
      gateway.url,
      '/v1/responses',
      responsesBody(true),
    );
    expect(answer.status).toBe(200);
    expect(answer.text.startsWith(': keepalive\n\n')).toBe(true);
    expect(answer.text.indexOf(': keepalive')).toBeLessThan(
      answer.text.indexOf('event: response.created'),
    );
    expect(eventsOf(answer.text).at(-1)).toMatchObject({
      type: 'response.completed',
    });
  });

  it('reports a failure after the keepalive as response.created, then response.failed', async () => {
    upstream.use(after(1500, rateLimited));
    const answer = await send(
      gateway.url,
      '/v1/responses',
      responsesBody(true),
    );
    expect(answer.status).toBe(200);
    expect(eventsOf(answer.text).map((e) => e['type'])).toEqual([
      'response.created',
      'response.in_progress',
      'response.failed',
    ]);
    expect(eventsOf(answer.text).at(-1)).toMatchObject({
      response: { error: { code: 'rate_limit_exceeded' } },
    });
  });

  it('gets a keepalive comment before the first chat chunk', async () => {
    upstream.use(after(1500, normalAnswer));
    const answer = await send(
      gateway.url,
      '/v1/chat/completions',
      chatBody(true),
    );
    expect(answer.text.startsWith(': keepalive\n\n')).toBe(true);
    expect(sseDataOf(answer.text).at(-1)).toBe('[DONE]');
  });

  it('sends no comment when the upstream answers at once', async () => {
    upstream.use(normalAnswer);
    const answer = await send(
      gateway.url,
      '/v1/responses',
      responsesBody(true),
    );
    expect(answer.text.startsWith('event: response.created\n')).toBe(true);
  });
});
