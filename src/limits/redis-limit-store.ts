import type { Redis, Result } from 'ioredis';
import { closeRedis, redisClient } from '../common/redis/redis-client.js';
import type { TenantLimits } from '../config/security/tenant.js';
import {
  type LimitCost,
  type LimitDecision,
  type LimitKind,
  type LimitStore,
  type Quota,
  type Quotas,
  type TokenReservation,
  DAY_MS,
} from './limit-store.js';
import { SETTLE_LUA, TAKE_LUA } from './redis-limit-script.js';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    gatewayLimitTake(
      requestsKey: string,
      tokensKey: string,
      ...args: (string | number)[]
    ): Result<number[], Context>;
    gatewayLimitSettle(
      tokensKey: string,
      ...args: (string | number)[]
    ): Result<number, Context>;
  }
}

/** How a RedisLimitStore names its keys and reads the time. */
export interface RedisLimitStoreOptions {
  /** Prefix of every key (REDIS_KEY_PREFIX), e.g. `orgw:`. */
  keyPrefix: string;
  /** Milliseconds since the epoch; unset: Redis's clock (TIME), one for every replica. */
  now?: () => number;
}

// A check is on the path of every request of a limited key: a Redis that is
// down fails it at once (no offline queue), a slow one within half a second,
// and the failure policy (RATE_LIMIT_ON_STORE_FAILURE) decides.
const COMMAND_TIMEOUT_MS = 500;

const KIND_NUMBERS: readonly LimitKind[] = [
  'requests_per_minute',
  'tokens_per_minute',
  'tokens_per_day',
];

/**
 * The LimitStore shared by every replica: each check and each settle is
 * one Lua script (redis-limit-script.ts, run by EVALSHA through ioredis's
 * defineCommand), so concurrent replicas never admit more than a limit.
 */
export class RedisLimitStore implements LimitStore {
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisLimitStoreOptions,
  ) {
    redis.defineCommand('gatewayLimitTake', {
      numberOfKeys: 2,
      lua: TAKE_LUA,
    });
    redis.defineCommand('gatewayLimitSettle', {
      numberOfKeys: 1,
      lua: SETTLE_LUA,
    });
  }

  /**
   * A store on a connection of its own to `url`, opened by its first check:
   * a gateway whose keys have no limits never opens it. A Redis that is
   * down then fails the checks (and the failure policy answers) while the
   * client reconnects in the background.
   */
  static open(url: string, options: RedisLimitStoreOptions): RedisLimitStore {
    const redis = redisClient(url, {
      name: `open-responses-gateway:limits:${options.keyPrefix}`,
      commandTimeoutMs: COMMAND_TIMEOUT_MS,
    });
    // Failures reach the caller, which logs them (GuardedLimitStore); without
    // a listener ioredis prints every reconnect failure to the console.
    redis.on('error', () => undefined);
    return new RedisLimitStore(redis, options);
  }

  async take(
    tenantId: string,
    limits: TenantLimits,
    cost: LimitCost,
  ): Promise<LimitDecision> {
    await this.connected();
    const keys = this.keysOf(tenantId);
    const answer = await this.redis.gatewayLimitTake(
      keys.requests,
      keys.tokens,
      this.options.now?.() ?? '',
      limits.requestsPerMinute ?? -1,
      limits.tokensPerMinute ?? -1,
      limits.tokensPerDay ?? -1,
      cost.requests,
      cost.tokens,
      keys.dayPrefix,
    );
    const [refused = 0, retryAfterMs = 0, now = 0, used = 0] = answer;
    const decision = {
      retryAfterMs,
      used,
      quotas: quotasOf(limits, answer.slice(4)),
    };
    if (refused > 0) {
      return { ...decision, refusedBy: KIND_NUMBERS[refused - 1] };
    }
    if (cost.tokens === 0) {
      return decision;
    }
    const reservation: TokenReservation = {
      tenantId,
      limits,
      tokens: cost.tokens,
      second: Math.floor(now / 1000),
      day: Math.floor(now / DAY_MS),
    };
    return { ...decision, reservation };
  }

  async settle(
    reservation: TokenReservation,
    usedTokens: number,
  ): Promise<void> {
    await this.connected();
    const keys = this.keysOf(reservation.tenantId);
    await this.redis.gatewayLimitSettle(
      keys.tokens,
      this.options.now?.() ?? '',
      reservation.limits.tokensPerMinute ?? -1,
      reservation.limits.tokensPerDay ?? -1,
      reservation.second,
      reservation.day,
      reservation.tokens,
      usedTokens,
      keys.dayPrefix,
    );
  }

  /** QUIT when connected, else stop reconnecting. */
  close(): Promise<void> {
    return closeRedis(this.redis);
  }

  /**
   * Connects on the first use. A first connect that failed is not tried
   * again here: the client reconnects on its own, and commands fail at once
   * until it is back (no offline queue).
   */
  private connected(): Promise<void> {
    this.connecting ??= this.redis.connect().catch(() => undefined);
    return this.connecting;
  }

  private keysOf(tenantId: string) {
    const base = `${this.options.keyPrefix}ratelimit:${tenantId}:`;
    return {
      requests: `${base}requests`,
      tokens: `${base}tokens`,
      dayPrefix: `${base}tokens-day:`,
    };
  }
}

/** The quotas of the limits the key has, from the script's used/reset pairs. */
function quotasOf(limits: TenantLimits, pairs: readonly number[]): Quotas {
  const configured = [
    limits.requestsPerMinute,
    limits.tokensPerMinute,
    limits.tokensPerDay,
  ];
  const quotas: Quotas = {};
  KIND_NUMBERS.forEach((kind, index) => {
    const limit = configured[index];
    if (limit !== undefined) {
      const quota: Quota = {
        limit,
        remaining: Math.max(0, limit - (pairs[2 * index] ?? 0)),
        resetMs: pairs[2 * index + 1] ?? 0,
      };
      quotas[kind] = quota;
    }
  });
  return quotas;
}
