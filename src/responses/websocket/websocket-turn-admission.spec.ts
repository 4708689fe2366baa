import { Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import type { Tenant } from '../../config/security/tenant.js';
import { GuardedLimitStore } from '../../limits/guarded-limit-store.js';
import type { LimitStore } from '../../limits/limit-store.js';
import { RateLimitMetrics } from '../../limits/rate-limit-metrics.js';
import { RateLimits } from '../../limits/rate-limits.js';
import type { CreateResponseRequest } from '../../protocol/responses.types.js';
import { admitTurn } from './websocket-turn-admission.js';

const TENANT: Tenant = {
  id: 'team-a',
  label: 'team-a',
  hostedMcp: true,
  limits: { requestsPerMinute: 5 },
  metadata: { team: 'a' },
};
const REQUEST: CreateResponseRequest = { model: 'm', input: 'hi' };

/** RateLimits over a store that is down, under the `closed` policy. */
function limitsWithStoreDown(): RateLimits {
  const down: LimitStore = {
    take: () => Promise.reject(new Error('Connection is closed.')),
    settle: () => Promise.reject(new Error('Connection is closed.')),
    close: () => Promise.resolve(),
  };
  const metrics = new RateLimitMetrics(new Registry(), (label) => label);
  return new RateLimits(
    new GuardedLimitStore(down, 'closed', metrics, {
      warn: vi.fn(),
      log: vi.fn(),
    }),
    metrics,
    { defaultOutputTokens: 0, maxAnswerBytes: 0 },
  );
}

describe('admitTurn', () => {
  it("runs a turn as the key's tenant of now, in a context of the upgrade's request id", async () => {
    const renamed = { ...TENANT, label: 'team-a2', limits: {} };
    const admitted = await admitTurn(
      {
        options: { tenant: TENANT },
        reqId: 'req-1',
        currentTenant: () => renamed,
      },
      REQUEST,
      10,
    );
    expect(admitted).toMatchObject({
      kind: 'run',
      options: { tenant: renamed },
      context: {
        reqId: 'req-1',
        tenant: 'team-a2',
        tenantMetadata: { team: 'a' },
      },
    });
  });

  it('answers a turn of a removed key with a 401 event, to close the socket', async () => {
    const admitted = await admitTurn(
      {
        options: { tenant: TENANT },
        reqId: 'r',
        currentTenant: () => undefined,
      },
      REQUEST,
      10,
    );
    expect(admitted).toEqual({
      kind: 'revoked',
      event: expect.objectContaining({
        status: 401,
        error: expect.objectContaining({ code: 'invalid_api_key' }),
      }),
    });
  });

  it('answers a 503 error event when the limit store is down under the closed policy', async () => {
    const admitted = await admitTurn(
      {
        options: { tenant: TENANT },
        reqId: 'r',
        currentTenant: () => TENANT,
        limits: limitsWithStoreDown(),
      },
      REQUEST,
      10,
    );
    expect(admitted).toEqual({
      kind: 'refused',
      event: {
        type: 'error',
        sequence_number: 0,
        status: 503,
        error: {
          type: 'server_error',
          code: 'rate_limit_store_unavailable',
          message: expect.stringContaining('Retry after a few seconds'),
          param: null,
        },
      },
    });
  });
});
