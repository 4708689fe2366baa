import type { Logger } from '@nestjs/common';
import type { TenantLimits } from '../config/security/tenant.js';
import type { StoreFailurePolicy } from '../config/limits.env.js';
import type {
  LimitCost,
  LimitDecision,
  LimitStore,
  TokenReservation,
} from './limit-store.js';
import type { RateLimitMetrics } from './rate-limit-metrics.js';

/** Thrown by a `closed` GuardedLimitStore whose store failed: the request gets a 503. */
export class LimitStoreUnavailable extends Error {
  constructor(cause: unknown) {
    super('the rate limit store is unavailable', { cause });
    this.name = LimitStoreUnavailable.name;
  }
}

/** What an `open` policy answers for a failed check: taken, with no quotas to tell. */
const UNCOUNTED: LimitDecision = { retryAfterMs: 0, used: 0, quotas: {} };

/**
 * A LimitStore whose failures (Redis down, or slower than its command
 * timeout) follow RATE_LIMIT_ON_STORE_FAILURE: `open` takes the request
 * uncounted, `closed` throws LimitStoreUnavailable. Every failure is
 * counted; the log gets one warning when failures start and one line when
 * the store answers again, never one per request.
 */
export class GuardedLimitStore implements LimitStore {
  private failing = false;

  constructor(
    private readonly store: LimitStore,
    private readonly policy: StoreFailurePolicy,
    private readonly metrics: RateLimitMetrics,
    private readonly logger: Pick<Logger, 'warn' | 'log'>,
  ) {}

  async take(
    tenantId: string,
    limits: TenantLimits,
    cost: LimitCost,
  ): Promise<LimitDecision> {
    try {
      const decision = await this.store.take(tenantId, limits, cost);
      this.answered();
      return decision;
    } catch (error) {
      this.failed(error);
      if (this.policy === 'closed') {
        throw new LimitStoreUnavailable(error);
      }
      return UNCOUNTED;
    }
  }

  /** Never rejects: a settle that failed leaves the estimate counted. */
  async settle(
    reservation: TokenReservation,
    usedTokens: number,
  ): Promise<void> {
    try {
      await this.store.settle(reservation, usedTokens);
      this.answered();
    } catch (error) {
      this.failed(error);
    }
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private failed(error: unknown): void {
    this.metrics.storeFailed();
    if (!this.failing) {
      this.failing = true;
      this.logger.warn(
        {
          error: error instanceof Error ? error.message : String(error),
          onStoreFailure: this.policy,
        },
        this.policy === 'open'
          ? 'the rate limit store (Redis) failed: requests of limited keys pass uncounted until it answers again'
          : 'the rate limit store (Redis) failed: requests of limited keys get a 503 until it answers again',
      );
    }
  }

  private answered(): void {
    if (this.failing) {
      this.failing = false;
      this.logger.log('the rate limit store (Redis) answers again');
    }
  }
}
