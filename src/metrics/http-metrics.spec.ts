import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../test/support/wait-until.js';
import { HttpMetrics } from './http-metrics.js';

// A bare Fastify app on a real socket: the hook sees real ServerResponses.
describe(HttpMetrics.name, () => {
  let app: FastifyInstance;
  let url: string;
  const registry = new Registry();
  const sut = new HttpMetrics(registry);
  let releaseStream: () => void = () => undefined;

  beforeAll(async () => {
    app = Fastify({ forceCloseConnections: true });
    app.addHook('onRequest', (request, reply, done) => {
      sut.observe(request, reply);
      done();
    });
    app.get('/items/:id', () => ({ ok: true }));
    app.get('/stream', (_request, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/event-stream' });
      reply.raw.write('data: 1\n\n');
      releaseStream = () => reply.raw.end('data: [DONE]\n\n');
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  const value = async (name: string, labels: Record<string, string> = {}) => {
    const metric = await registry.getSingleMetric(name)!.get();
    return metric.values
      .filter((v) =>
        Object.entries(labels).every(
          ([k, want]) => (v.labels as Record<string, unknown>)[k] === want,
        ),
      )
      .reduce((sum, v) => sum + v.value, 0);
  };

  it('labels requests with the route pattern, method and status', async () => {
    await fetch(`${url}/items/1`);
    await fetch(`${url}/items/2`);
    await fetch(`${url}/missing`);
    await waitUntil(
      async () => (await value('gateway_requests_total')) === 3,
      () => 'three requests counted',
    );
    expect(
      await value('gateway_requests_total', {
        route: '/items/:id',
        method: 'GET',
        status: '200',
      }),
    ).toBe(2);
    expect(
      await value('gateway_requests_total', {
        route: 'unmatched',
        status: '404',
      }),
    ).toBe(1);
    expect(await registry.metrics()).toContain(
      'gateway_time_to_first_byte_seconds_count{route="/items/:id",method="GET"} 2',
    );
  });

  it('measures time to first byte and open streams on a hijacked reply', async () => {
    const answer = await fetch(`${url}/stream`);
    const reader = answer.body!.getReader();
    await reader.read();
    expect(await value('gateway_active_streams')).toBe(1);
    expect(await value('gateway_requests_in_flight')).toBe(1);
    releaseStream();
    while (!(await reader.read()).done) {
      // Drain to the end.
    }
    await waitUntil(
      async () => (await value('gateway_active_streams')) === 0,
      () => 'the stream to close',
    );
    expect(await value('gateway_requests_in_flight')).toBe(0);
    expect(
      await value('gateway_requests_total', {
        route: '/stream',
        status: '200',
      }),
    ).toBe(1);
    const text = await registry.metrics();
    expect(text).toContain(
      'gateway_time_to_first_byte_seconds_count{route="/stream",method="GET"} 1',
    );
  });

  it('labels a response cut before its end 499', async () => {
    const abort = new AbortController();
    const answer = await fetch(`${url}/stream`, { signal: abort.signal });
    await answer.body!.getReader().read();
    abort.abort();
    await waitUntil(
      async () =>
        (await value('gateway_requests_total', {
          route: '/stream',
          status: '499',
        })) === 1,
      () => 'the cut stream to be counted',
    );
    expect(await value('gateway_active_streams')).toBe(0);
  });
});
