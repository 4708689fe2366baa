import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startGateway,
  type RunningGateway,
} from '../support/gateway-harness.js';
import { waitUntil } from '../support/wait-until.js';

const BURST = 50;

/**
 * An upstream whose model list (the health probe) answers only when the
 * test releases it, counting the probes it got.
 */
class HeldUpstream {
  probes = 0;
  private release: () => void = () => undefined;
  private readonly released = new Promise<void>(
    (resolve) => (this.release = resolve),
  );

  private constructor(private readonly server: Server) {}

  static async start(): Promise<HeldUpstream> {
    const server = createServer();
    const upstream = new HeldUpstream(server);
    server.on('request', (req, res) => {
      if (req.url?.startsWith('/v1/models')) {
        upstream.probes++;
        void upstream.released.then(() =>
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end('{"object":"list","data":[]}'),
        );
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    return upstream;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  answer(): void {
    this.release();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * /ready never waits for an upstream: a burst of calls (every probe of
 * every load balancer at once) is answered while the upstream's health
 * probe is still unanswered, and costs the upstream nothing beyond that
 * one probe.
 */
describe('/ready under a burst', () => {
  let upstream: HeldUpstream;
  let gateway: RunningGateway;

  beforeAll(async () => {
    upstream = await HeldUpstream.start();
    gateway = await startGateway({
      OPENAI_BASE_URL_INTERNAL: upstream.baseUrl,
      UPSTREAM_PROBE_INTERVAL: '600',
    });
  });
  afterAll(async () => {
    upstream?.answer();
    await gateway?.close();
    await upstream?.close();
  });

  it(`answers ${BURST} concurrent calls while the upstream probe hangs`, async () => {
    await waitUntil(
      () => upstream.probes === 1,
      () => `the start-up probe reached the upstream (${upstream.probes})`,
    );
    const answers = await Promise.all(
      Array.from({ length: BURST }, async () => {
        const response = await fetch(`${gateway.url}/ready`, {
          signal: AbortSignal.timeout(15_000),
        });
        return { status: response.status, body: await response.json() };
      }),
    );
    for (const answer of answers) {
      expect(answer).toEqual({
        status: 200,
        body: expect.objectContaining({
          status: 'ready',
          upstreams: { default: { state: 'unknown' } },
        }),
      });
    }
    expect(upstream.probes).toBe(1);

    // Once the probe is answered, /ready reports the upstream up.
    upstream.answer();
    await waitUntil(
      async () => {
        const response = await fetch(`${gateway.url}/ready`);
        const body = (await response.json()) as {
          upstreams: Record<string, { state: string }>;
        };
        return body.upstreams.default?.state === 'up';
      },
      () => 'the upstream reported up',
    );
    expect(upstream.probes).toBe(1);
  });
});
