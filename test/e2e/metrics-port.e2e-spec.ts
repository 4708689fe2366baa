import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeUpstream } from '../support/fake-upstream.js';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('METRICS_PORT', () => {
  let upstream: FakeUpstream;
  let gateway: RunningGateway;
  let metricsUrl: string;

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}`;
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      API_ADAPTER_HOST: '127.0.0.1',
      METRICS_PORT: String(port),
    });
  });

  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('serves the Prometheus text on the metrics port, counting API traffic', async () => {
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    const res = await fetch(`${metricsUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('# TYPE gateway_process_cpu_seconds_total counter');
    expect(text).toMatch(/^gateway_\w+\{[^}]*\} \d/m);
  });

  it('no longer serves /metrics on the API port: 404 in the OpenAI error shape', async () => {
    const res = await fetch(`${gateway.url}/metrics`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: {
        message: expect.any(String),
        type: 'invalid_request_error',
        param: null,
        code: 'not_found',
      },
    });
  });

  it("answers the liveness probe on the metrics port, as the API port's /health does", async () => {
    const live = await fetch(`${metricsUrl}/health`);
    expect(live.status).toBe(200);
    expect(live.headers.get('content-type')).toBe('application/json');
    const api = await fetch(`${gateway.url}/health`);
    expect(await live.json()).toEqual(await api.json());
    const head = await fetch(`${metricsUrl}/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const wrongMethod = await fetch(`${metricsUrl}/health`, {
      method: 'DELETE',
    });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD');
  });

  it('serves nothing else on the metrics port', async () => {
    const notFound = await fetch(`${metricsUrl}/v1/models`);
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'not_found' },
    });
    const wrongMethod = await fetch(`${metricsUrl}/metrics`, {
      method: 'POST',
    });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD');
    expect(await wrongMethod.json()).toMatchObject({
      error: { code: 'method_not_allowed' },
    });
  });

  /** Another gateway, with a metrics port of its own. */
  async function secondGateway(): Promise<{
    second: RunningGateway;
    port: number;
  }> {
    const port = await freePort();
    const second = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      API_ADAPTER_HOST: '127.0.0.1',
      METRICS_PORT: String(port),
    });
    return { second, port };
  }

  it('fails liveness once the API port stops listening', async () => {
    const { second, port } = await secondGateway();
    const live = `http://127.0.0.1:${port}/health`;
    expect((await fetch(live)).status).toBe(200);
    const api = second.app.getHttpServer();
    await new Promise<void>((resolve) => api.close(() => resolve()));
    const down = await fetch(live);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({
      error: { code: 'service_unavailable' },
    });
    await second.close().catch(() => undefined);
  });

  it('closes the metrics port with the app', async () => {
    const { second, port } = await secondGateway();
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
    await second.close();
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});
