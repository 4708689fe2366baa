import type { Tenant } from '../config/security/tenant.js';
import {
  LimitStoreUnavailable,
  type GuardedLimitStore,
} from './guarded-limit-store.js';
import {
  limitOf,
  type LimitCost,
  type TokenReservation,
} from './limit-store.js';
import {
  limitStoreUnavailable,
  rateLimited,
  type LimitRefusal,
} from './rate-limit-answers.js';
import { quotaHeaders } from './rate-limit-headers.js';
import type { RateLimitMetrics } from './rate-limit-metrics.js';

/** What a check answered: the quotas to tell, and a refusal or the tokens taken. */
export interface LimitCheck {
  /** The `x-ratelimit-*` headers (none when the store failed). */
  readonly headers: Record<string, string>;
  readonly refusal?: LimitRefusal;
  readonly reservation?: TokenReservation;
}

/**
 * Takes `cost` from `tenant`'s limits, for an HTTP request and a WebSocket
 * turn alike. A refusal is counted (gateway_rate_limited_total); a store
 * that failed under the `closed` policy is a 503.
 */
export async function checkLimits(
  store: GuardedLimitStore,
  metrics: RateLimitMetrics,
  tenant: Tenant,
  cost: LimitCost,
): Promise<LimitCheck> {
  try {
    const decision = await store.take(tenant.id, tenant.limits, cost);
    const headers = quotaHeaders(decision.quotas);
    const kind = decision.refusedBy;
    if (kind === undefined) {
      return { headers, reservation: decision.reservation };
    }
    metrics.refused(tenant.label, kind);
    const refusal = rateLimited({
      kind,
      limit: limitOf(tenant.limits, kind) ?? 0,
      used: decision.used,
      requested: kind === 'requests_per_minute' ? cost.requests : cost.tokens,
      retryAfterMs: decision.retryAfterMs,
    });
    return { headers, refusal };
  } catch (error) {
    if (error instanceof LimitStoreUnavailable) {
      return { headers: {}, refusal: limitStoreUnavailable() };
    }
    throw error;
  }
}
