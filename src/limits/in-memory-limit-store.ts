import type { TenantLimits } from '../config/security/tenant.js';
import {
  DAY_MS,
  type LimitCost,
  type LimitDecision,
  type LimitKind,
  type LimitStore,
  limitOf,
  type Quotas,
  type TokenReservation,
} from './limit-store.js';
import { SecondBuckets } from './second-buckets.js';

/** One key's windows. */
interface KeyWindows {
  readonly requests: SecondBuckets;
  readonly tokens: SecondBuckets;
  /** Tokens by UTC day number; only today and yesterday are kept. */
  readonly days: Map<number, number>;
}

/** Usage of each limit at one instant. */
type Usage = Record<LimitKind, number>;

const KINDS: readonly LimitKind[] = [
  'requests_per_minute',
  'tokens_per_minute',
  'tokens_per_day',
];

function costOf(cost: LimitCost, kind: LimitKind): number {
  return kind === 'requests_per_minute' ? cost.requests : cost.tokens;
}

/** The first limit (requests, then tokens per minute, then per day) `cost` would go over. */
function firstExceeded(
  limits: TenantLimits,
  cost: LimitCost,
  usage: Usage,
): LimitKind | undefined {
  return KINDS.find((kind) => {
    const limit = limitOf(limits, kind);
    const amount = costOf(cost, kind);
    return limit !== undefined && amount > 0 && usage[kind] + amount > limit;
  });
}

/**
 * The LimitStore of a gateway without Redis: each replica counts on its
 * own (so N replicas admit up to N times a limit). The windows are those
 * of LimitStore; the Redis script keeps the same ones, and both are held
 * to one contract (limit-store-contract.test-support.ts).
 */
export class InMemoryLimitStore implements LimitStore {
  private readonly keys = new Map<string, KeyWindows>();

  constructor(private readonly now: () => number = Date.now) {}

  take(
    tenantId: string,
    limits: TenantLimits,
    cost: LimitCost,
  ): Promise<LimitDecision> {
    const nowMs = this.now();
    const second = Math.floor(nowMs / 1000);
    const day = Math.floor(nowMs / DAY_MS);
    const windows = this.windowsOf(tenantId, day);
    const usage: Usage = {
      requests_per_minute: windows.requests.used(second),
      tokens_per_minute: windows.tokens.used(second),
      tokens_per_day: windows.days.get(day) ?? 0,
    };
    const refusedBy = firstExceeded(limits, cost, usage);
    if (refusedBy !== undefined) {
      const needed =
        usage[refusedBy] +
        costOf(cost, refusedBy) -
        limitOf(limits, refusedBy)!;
      return Promise.resolve({
        refusedBy,
        retryAfterMs:
          refusedBy === 'tokens_per_day'
            ? (day + 1) * DAY_MS - nowMs
            : this.bucketsOf(windows, refusedBy).msUntilFreed(needed, nowMs),
        used: usage[refusedBy],
        quotas: this.quotas(windows, limits, usage, nowMs),
      });
    }
    for (const kind of KINDS) {
      if (limitOf(limits, kind) !== undefined) {
        usage[kind] += costOf(cost, kind);
        this.count(windows, kind, second, day, costOf(cost, kind));
      }
    }
    return Promise.resolve({
      retryAfterMs: 0,
      used: 0,
      quotas: this.quotas(windows, limits, usage, nowMs),
      ...(cost.tokens > 0
        ? {
            reservation: { tenantId, limits, tokens: cost.tokens, second, day },
          }
        : {}),
    });
  }

  settle(reservation: TokenReservation, usedTokens: number): Promise<void> {
    const nowMs = this.now();
    const second = Math.floor(nowMs / 1000);
    const day = Math.floor(nowMs / DAY_MS);
    const windows = this.windowsOf(reservation.tenantId, day);
    const { limits, tokens } = reservation;
    if (limits.tokensPerMinute !== undefined) {
      windows.tokens.remove(reservation.second, tokens);
      windows.tokens.add(second, usedTokens);
    }
    if (limits.tokensPerDay !== undefined) {
      const left = (windows.days.get(reservation.day) ?? 0) - tokens;
      windows.days.set(reservation.day, Math.max(0, left));
      this.count(windows, 'tokens_per_day', second, day, usedTokens);
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private windowsOf(tenantId: string, today: number): KeyWindows {
    let windows = this.keys.get(tenantId);
    if (windows === undefined) {
      windows = {
        requests: new SecondBuckets(),
        tokens: new SecondBuckets(),
        days: new Map(),
      };
      this.keys.set(tenantId, windows);
    }
    for (const day of windows.days.keys()) {
      if (day < today - 1) {
        windows.days.delete(day);
      }
    }
    return windows;
  }

  private bucketsOf(windows: KeyWindows, kind: LimitKind): SecondBuckets {
    return kind === 'requests_per_minute' ? windows.requests : windows.tokens;
  }

  private count(
    windows: KeyWindows,
    kind: LimitKind,
    second: number,
    day: number,
    amount: number,
  ): void {
    if (kind === 'tokens_per_day') {
      windows.days.set(day, (windows.days.get(day) ?? 0) + amount);
    } else {
      this.bucketsOf(windows, kind).add(second, amount);
    }
  }

  private quotas(
    windows: KeyWindows,
    limits: TenantLimits,
    usage: Usage,
    nowMs: number,
  ): Quotas {
    const quotas: Quotas = {};
    for (const kind of KINDS) {
      const limit = limitOf(limits, kind);
      if (limit === undefined) {
        continue;
      }
      const resetMs =
        kind === 'tokens_per_day'
          ? usage[kind] > 0
            ? (Math.floor(nowMs / DAY_MS) + 1) * DAY_MS - nowMs
            : 0
          : this.bucketsOf(windows, kind).msUntilEmpty(nowMs);
      quotas[kind] = {
        limit,
        remaining: Math.max(0, limit - usage[kind]),
        resetMs,
      };
    }
    return quotas;
  }
}
