import { connect } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setRequestTenant } from '../auth/request-tenant.js';
import { enterRequestContext } from '../common/logging/request-context.js';
import type { Tenant } from '../config/security/tenant.js';
import { GuardedLimitStore } from './guarded-limit-store.js';
import { InMemoryLimitStore } from './in-memory-limit-store.js';
import type { LimitStore } from './limit-store.js';
import { RateLimitMetrics } from './rate-limit-metrics.js';
import { RateLimits } from './rate-limits.js';

const TENANT: Tenant = {
  id: 'team-a',
  label: 'team-a',
  hostedMcp: true,
  limits: { tokensPerMinute: 1_000 },
  metadata: {},
};

/** A promise and the function that resolves it. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** An in-memory store whose token checks wait until `release`. */
function heldStore() {
  const inner = new InMemoryLimitStore();
  const tokenCheck = deferred();
  const release = deferred();
  const settle = vi.fn<LimitStore['settle']>((reservation, used) =>
    inner.settle(reservation, used),
  );
  const store: LimitStore = {
    take: async (tenantId, limits, cost) => {
      if (cost.tokens > 0) {
        tokenCheck.resolve();
        await release.promise;
      }
      return inner.take(tenantId, limits, cost);
    },
    settle,
    close: () => inner.close(),
  };
  return { inner, store, settle, tokenCheck, release };
}

describe(RateLimits.name, () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
  });

  it('gives the estimate back when the client left while its tokens were checked', async () => {
    const { inner, store, settle, tokenCheck, release } = heldStore();
    const metrics = new RateLimitMetrics(new Registry(), (label) => label);
    const limits = new RateLimits(
      new GuardedLimitStore(store, 'open', metrics, {
        warn: vi.fn(),
        log: vi.fn(),
      }),
      metrics,
      { defaultOutputTokens: 100, maxAnswerBytes: 1_000_000 },
    );
    const clientGone = deferred();
    const handled = deferred();
    app = Fastify();
    app.addHook('onRequest', (request, reply, done) =>
      enterRequestContext(request, () => {
        setRequestTenant(request, TENANT);
        reply.raw.once('close', clientGone.resolve);
        done();
      }),
    );
    limits.install(app);
    app.post('/v1/chat/completions', () => {
      handled.resolve();
      return { ok: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };

    const body = '{"model":"m","messages":[]}';
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    await tokenCheck.promise;
    socket.destroy();
    await clientGone.promise;
    release.resolve();
    await handled.promise;

    const estimate = Math.ceil(body.length / 4) + 100;
    expect(settle).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({ tenantId: 'team-a', tokens: estimate }),
      0,
    );
    // The whole minute is free again.
    const left = await inner.take('team-a', TENANT.limits, {
      requests: 0,
      tokens: 1_000,
    });
    expect(left.refusedBy).toBeUndefined();
  });
});
