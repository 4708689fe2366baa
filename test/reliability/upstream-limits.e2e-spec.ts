import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { waitUntil } from '../support/wait-until.js';
import { send, sseDataOf } from './support/answers.js';
import { LazyUpstream } from './support/lazy-upstream.js';
import {
  chatBody,
  endlessChunks,
  eventsOf,
  FIRST_CHUNK,
  HUGE_BYTES,
  hugeDeclaredBody,
  hugeJsonBody,
  hugeLineAfter,
  MiB,
  normalAnswer,
  responsesBody,
} from './support/limit-scripts.js';
import {
  startLoggedGateway,
  type LoggedGateway,
} from './support/logged-gateway.js';

/**
 * Upstream answers larger than the gateway will hold: one endless SSE line,
 * a huge non-streamed body, a streamed answer past its total. Each is cut
 * as it arrives (the upstream sees the abort long before it has sent its
 * 200 MB) and the client gets a clean error: a 502 before the first byte,
 * a terminal event after it, never a reset.
 */
describe('upstream size limits', () => {
  let upstream: LazyUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await LazyUpstream.start();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      UPSTREAM_MAX_EVENT_BYTES: String(MiB),
      UPSTREAM_MAX_BODY_BYTES: String(2 * MiB),
      UPSTREAM_MAX_ANSWER_BYTES: String(4 * MiB),
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  /** The gateway hung up on the upstream well before its 200 MB. */
  async function expectUpstreamCut(): Promise<void> {
    await waitUntil(
      () => upstream.calls[0]?.aborted === true,
      () => 'the upstream to see the gateway abort',
    );
    expect(upstream.calls[0]!.written).toBeLessThan(HUGE_BYTES / 4);
  }

  it('a 200 MB line before the first event is a 502, and the gateway serves on', async () => {
    upstream.use(hugeLineAfter(''));
    const answer = await send(
      gateway.url,
      '/v1/responses',
      responsesBody(true),
    );
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.text)).toMatchObject({
      error: {
        code: 'upstream_bad_response',
        message: expect.stringContaining('UPSTREAM_MAX_EVENT_BYTES'),
      },
    });
    await expectUpstreamCut();

    upstream.use(normalAnswer);
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    const next = await send(gateway.url, '/v1/responses', responsesBody(true));
    expect(eventsOf(next.text).at(-1)).toMatchObject({
      type: 'response.completed',
    });
  });

  it('a 200 MB line after the first event ends a Responses stream with response.failed', async () => {
    upstream.use(hugeLineAfter(FIRST_CHUNK));
    const answer = await send(
      gateway.url,
      '/v1/responses',
      responsesBody(true),
    );
    expect(answer.status).toBe(200);
    const events = eventsOf(answer.text);
    expect(events[0]).toMatchObject({ type: 'response.created' });
    expect(events.at(-1)).toMatchObject({
      type: 'response.failed',
      response: {
        error: { message: expect.stringContaining('UPSTREAM_MAX_EVENT_BYTES') },
      },
    });
    await expectUpstreamCut();
  });

  it('a 200 MB line after the first chunk ends a chat stream with an error chunk', async () => {
    upstream.use(hugeLineAfter(FIRST_CHUNK));
    const answer = await send(
      gateway.url,
      '/v1/chat/completions',
      chatBody(true),
    );
    expect(answer.status).toBe(200);
    const data = sseDataOf(answer.text);
    expect(JSON.parse(data[0]!)).toMatchObject({
      object: 'chat.completion.chunk',
    });
    expect(JSON.parse(data.at(-1)!)).toMatchObject({
      error: {
        code: 'upstream_bad_response',
        message: expect.stringContaining('UPSTREAM_MAX_EVENT_BYTES'),
      },
    });
    await expectUpstreamCut();
  });

  it.each([
    ['chat', '/v1/chat/completions', chatBody(false)],
    ['responses', '/v1/responses', responsesBody(false)],
  ])('a 200 MB non-streamed body is a 502 (%s)', async (_name, path, body) => {
    upstream.use(hugeJsonBody);
    const answer = await send(gateway.url, path, body);
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.text)).toMatchObject({
      error: {
        code: 'upstream_bad_response',
        message: expect.stringContaining('UPSTREAM_MAX_BODY_BYTES'),
      },
    });
    await expectUpstreamCut();
  });

  it('a body that announces 200 MB is refused before it is read', async () => {
    upstream.use(hugeDeclaredBody);
    const answer = await send(
      gateway.url,
      '/v1/chat/completions',
      chatBody(false),
    );
    expect(answer.status).toBe(502);
    expect(answer.text).toContain('UPSTREAM_MAX_BODY_BYTES');
    await expectUpstreamCut();
  });

  it('a streamed answer past UPSTREAM_MAX_ANSWER_BYTES ends with response.failed', async () => {
    upstream.use(endlessChunks);
    const answer = await send(
      gateway.url,
      '/v1/responses',
      responsesBody(true),
    );
    const events = eventsOf(answer.text);
    expect(
      events.filter((e) => e['type'] === 'response.output_text.delta').length,
    ).toBeGreaterThan(0);
    expect(events.at(-1)).toMatchObject({
      type: 'response.failed',
      response: {
        error: {
          message: expect.stringContaining('UPSTREAM_MAX_ANSWER_BYTES'),
        },
      },
    });
    await expectUpstreamCut();
  });
});

describe('a client that leaves mid-stream', () => {
  let upstream: LazyUpstream;
  let gateway: LoggedGateway;

  beforeAll(async () => {
    upstream = await LazyUpstream.start();
    gateway = await startLoggedGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('is logged once, with its request id', async () => {
    upstream.use(endlessChunks);
    const requestId = 'leaves-mid-write-1';
    await new Promise<void>((resolve, reject) => {
      const request = httpRequest(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'x-request-id': requestId,
        },
      });
      request.on('error', (error) => {
        if (!request.destroyed) {
          reject(error);
        }
      });
      request.on('response', (response) => {
        response.once('data', () => {
          request.destroy();
          resolve();
        });
      });
      request.end(chatBody(true));
    });
    const lost = (): Record<string, unknown>[] =>
      gateway.lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) =>
          String(line['msg']).startsWith(
            'the client connection closed before the stream ended',
          ),
        );
    await waitUntil(
      () => lost().length > 0,
      () => 'the lost stream to be logged',
    );
    await waitUntil(
      () => upstream.calls[0]?.aborted === true,
      () => 'the upstream to see the abort',
    );
    expect(lost()).toHaveLength(1);
    expect(lost()[0]).toMatchObject({ reqId: requestId });
  });
});
