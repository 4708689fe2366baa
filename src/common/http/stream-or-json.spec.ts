import Fastify, { type FastifyInstance } from 'fastify';
import { of } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowControl } from '../sse/flow-control.js';
import { dataFrame, type SseFormat } from '../sse/sse-writer.js';
import { replyStreamOrJson, type StreamOrJson } from './stream-or-json.js';

const format: SseFormat<string> = {
  frame: (event) => dataFrame({ event }),
  errorFrame: () => dataFrame({ error: true }),
  trailer: 'data: [DONE]\n\n',
};

/** The answer each route gives, and what the answering code was handed. */
const seen: { signal?: AbortSignal; flow?: unknown } = {};

function answer(
  stream: boolean,
  failing = false,
): StreamOrJson<string, object> {
  return {
    stream,
    json: (client) => {
      seen.signal = client.signal;
      return failing
        ? Promise.reject(new Error('upstream 400'))
        : Promise.resolve({ id: 'resp_1' });
    },
    events: ({ flow }) => {
      seen.flow = flow;
      return failing
        ? Promise.reject(new Error('upstream 400'))
        : Promise.resolve({ events$: of('a', 'b'), format });
    },
    clientError: (error) =>
      new Error(`told: ${error instanceof Error ? error.message : ''}`),
  };
}

describe(replyStreamOrJson.name, () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = Fastify();
    app.setErrorHandler((error: Error, _request, reply) =>
      reply.code(400).send({ error: error.message }),
    );
    app.post<{ Querystring: { stream?: string; fail?: string } }>(
      '/answer',
      (request, reply) =>
        replyStreamOrJson(
          reply,
          answer(
            request.query.stream === 'true',
            request.query.fail === 'true',
          ),
        ),
    );
    await app.ready();
  });

  afterAll(() => app.close());

  it('sends the JSON answer, whose call sees the client abort signal', async () => {
    const response = await app.inject({ method: 'POST', url: '/answer' });
    expect(response.json()).toEqual({ id: 'resp_1' });
    expect(seen.signal).toBeInstanceOf(AbortSignal);
  });

  it('writes a stream as SSE, its producer handed the flow control', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/answer?stream=true',
    });
    expect(response.headers['content-type']).toContain('text/event-stream');
    expect(response.body).toBe(
      `${dataFrame({ event: 'a' })}${dataFrame({ event: 'b' })}data: [DONE]\n\n`,
    );
    expect(seen.flow).toBeInstanceOf(FlowControl);
  });

  it.each([['false'], ['true']])(
    'tells a failure before the first byte (stream: %s) as clientError maps it, with an HTTP status',
    async (stream) => {
      const response = await app.inject({
        method: 'POST',
        url: `/answer?stream=${stream}&fail=true`,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: 'told: upstream 400' });
    },
  );
});
