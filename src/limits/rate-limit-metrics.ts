import { Counter, type Registry } from 'prom-client';
import type { LimitKind } from './limit-store.js';

/**
 * `gateway_rate_limited_total{tenant,kind}`: requests refused with a 429,
 * and `gateway_rate_limit_store_failures_total`: checks and settles the
 * limit store (Redis) failed.
 */
export class RateLimitMetrics {
  private readonly limited: Counter<'tenant' | 'kind'>;
  private readonly storeFailures: Counter;

  /** `tenantLabel` bounds the key's label (MetricLabels.tenant). */
  constructor(
    registry: Registry,
    private readonly tenantLabel: (label: string) => string,
  ) {
    this.limited = new Counter({
      name: 'gateway_rate_limited_total',
      help: "Requests refused with a 429 by a key's limit, by tenant (the key's name or unnamed) and kind (requests_per_minute, tokens_per_minute, tokens_per_day).",
      labelNames: ['tenant', 'kind'],
      registers: [registry],
    });
    this.storeFailures = new Counter({
      name: 'gateway_rate_limit_store_failures_total',
      help: 'Rate limit checks and settles that failed because the limit store (Redis) did; RATE_LIMIT_ON_STORE_FAILURE decides what the request gets.',
      registers: [registry],
    });
  }

  refused(tenant: string, kind: LimitKind): void {
    this.limited.inc({ tenant: this.tenantLabel(tenant), kind });
  }

  storeFailed(): void {
    this.storeFailures.inc();
  }
}
