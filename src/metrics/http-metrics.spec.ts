import { PassThrough } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../test/support/wait-until.js';
import {
  enterRequestContext,
  noteTenant,
} from '../common/logging/request-context.js';
import { openEventStream } from '../common/sse/event-stream-response.js';
import { HttpMetrics } from './http-metrics.js';

// A bare Fastify app on a real socket: the hook sees real ServerResponses.
describe(HttpMetrics.name, () => {
  let app: FastifyInstance;
  let url: string;
  const registry = new Registry();
  const sut = new HttpMetrics(registry, (tenant) => tenant ?? 'none');
  let releaseStream: () => void = () => undefined;
  let releaseSentStream: () => void = () => undefined;

  beforeAll(async () => {
    app = Fastify({ forceCloseConnections: true });
    sut.install(app);
    app.addHook('onRequest', (request, reply, done) => {
      enterRequestContext(request, () => {
        sut.observe(request, reply);
        done();
      });
    });
    // As the API-key hook does, after the metrics started following the request.
    app.addHook('onRequest', (request, _reply, done) => {
      const tenant = request.headers['x-test-tenant'];
      if (typeof tenant === 'string') {
        noteTenant(tenant);
      }
      done();
    });
    app.get('/items/:id', () => ({ ok: true }));
    app.get('/stream', (_request, reply) => {
      openEventStream(reply);
      reply.raw.write('data: 1\n\n');
      releaseStream = () => reply.raw.end('data: [DONE]\n\n');
    });
    // A stream Fastify sends (as the pass-through proxy does), not hijacked.
    app.get('/sent-stream', (_request, reply) => {
      const body = new PassThrough();
      body.write('data: 1\n\n');
      releaseSentStream = () => body.end('data: [DONE]\n\n');
      return reply.header('content-type', 'text/event-stream').send(body);
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

  it("labels requests with the caller's tenant, none without a key", async () => {
    const route = '/items/:id';
    const team = { tenant: 'team-a' };
    const none = { route, tenant: 'none' };
    const teamBefore = await value('gateway_requests_total', team);
    const noneBefore = await value('gateway_requests_total', none);
    await fetch(`${url}/items/3`, { headers: { 'x-test-tenant': 'team-a' } });
    await fetch(`${url}/items/4`);
    await waitUntil(
      async () =>
        (await value('gateway_requests_total', none)) === noneBefore + 1 &&
        (await value('gateway_requests_total', team)) === teamBefore + 1,
      () => 'each request counted under its own tenant',
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

  it('counts a stream Fastify sends with text/event-stream as an open stream', async () => {
    const answer = await fetch(`${url}/sent-stream`);
    const reader = answer.body!.getReader();
    await reader.read();
    expect(await value('gateway_active_streams')).toBe(1);
    releaseSentStream();
    while (!(await reader.read()).done) {
      // Drain to the end.
    }
    await waitUntil(
      async () => (await value('gateway_active_streams')) === 0,
      () => 'the sent stream to close',
    );
    expect(await registry.metrics()).toContain(
      'gateway_time_to_first_byte_seconds_count{route="/sent-stream",method="GET"} 1',
    );
  });

  it("leaves another app's event streams to that app's metrics", async () => {
    const other = Fastify({ forceCloseConnections: true });
    const otherMetrics = new HttpMetrics(
      new Registry(),
      (tenant) => tenant ?? 'none',
    );
    otherMetrics.install(other);
    other.addHook('onRequest', (request, reply, done) => {
      otherMetrics.observe(request, reply);
      done();
    });
    let end: () => void = () => undefined;
    other.get('/other-stream', (_request, reply) => {
      openEventStream(reply);
      reply.raw.write('data: 1\n\n');
      end = () => reply.raw.end('data: [DONE]\n\n');
    });
    const otherUrl = await other.listen({ port: 0, host: '127.0.0.1' });
    try {
      const answer = await fetch(`${otherUrl}/other-stream`);
      const reader = answer.body!.getReader();
      await reader.read();
      expect(await value('gateway_active_streams')).toBe(0);
      expect(await registry.metrics()).not.toContain('/other-stream');
      end();
      while (!(await reader.read()).done) {
        // Drain to the end.
      }
    } finally {
      await other.close();
    }
  });
});
