import { describe, expect, it } from 'vitest';
import type { TenantLimits } from '../config/security/tenant.js';
import {
  DAY_MS,
  type LimitCost,
  type LimitDecision,
  type LimitStore,
  type TokenReservation,
} from './limit-store.js';

/** A store on a clock the test moves (milliseconds since the epoch). */
export type MakeLimitStore = (now: () => number) => Promise<LimitStore>;

/** 10:00:00.250 UTC on some day: a quarter second into its second. */
const T0 = Date.UTC(2030, 0, 15, 10, 0, 0, 250);
const S0 = Math.floor(T0 / 1000);
const REQUEST: LimitCost = { requests: 1, tokens: 0 };
const tokens = (amount: number): LimitCost => ({ requests: 0, tokens: amount });

/**
 * What every LimitStore must do (see LimitStore for the windows): the
 * in-memory one and the Redis script are both held to it, on a clock the
 * test sets, so every answer is exact.
 */
export function describeLimitStoreContract(
  name: string,
  make: MakeLimitStore,
): void {
  describe(`${name} (LimitStore contract)`, () => {
    let now = T0;
    const start = async (): Promise<LimitStore> => {
      now = T0;
      return make(() => now);
    };
    const takeAll = async (
      store: LimitStore,
      limits: TenantLimits,
      cost: LimitCost,
      times: number,
    ): Promise<LimitDecision[]> => {
      const decisions: LimitDecision[] = [];
      for (let i = 0; i < times; i++) {
        decisions.push(await store.take('team-a', limits, cost));
      }
      return decisions;
    };

    it('admits requests up to the limit, then refuses until the oldest leaves the window', async () => {
      const store = await start();
      const limits = { requestsPerMinute: 3 };
      const taken = await takeAll(store, limits, REQUEST, 3);
      expect(taken.map((d) => d.refusedBy)).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
      expect(taken.map((d) => d.quotas.requests_per_minute)).toEqual([
        { limit: 3, remaining: 2, resetMs: 59_750 },
        { limit: 3, remaining: 1, resetMs: 59_750 },
        { limit: 3, remaining: 0, resetMs: 59_750 },
      ]);
      now = T0 + 1_000;
      const refused = await store.take('team-a', limits, REQUEST);
      expect(refused).toMatchObject({
        refusedBy: 'requests_per_minute',
        used: 3,
        retryAfterMs: 58_750,
        quotas: {
          requests_per_minute: { limit: 3, remaining: 0, resetMs: 58_750 },
        },
      });
      expect(refused.reservation).toBeUndefined();
      // The last millisecond of the window still holds them; the next does not.
      now = (S0 + 60) * 1000 - 1;
      expect((await store.take('team-a', limits, REQUEST)).refusedBy).toBe(
        'requests_per_minute',
      );
      now = (S0 + 60) * 1000;
      const again = await store.take('team-a', limits, REQUEST);
      expect(again.refusedBy).toBeUndefined();
      expect(again.quotas.requests_per_minute).toEqual({
        limit: 3,
        remaining: 2,
        resetMs: 60_000,
      });
    });

    it('slides second by second: retry-after waits for enough of the oldest buckets', async () => {
      const store = await start();
      const limits = { requestsPerMinute: 4 };
      await takeAll(store, limits, REQUEST, 1);
      now = T0 + 10_000;
      await takeAll(store, limits, REQUEST, 1);
      now = T0 + 20_000;
      await takeAll(store, limits, REQUEST, 2);
      now = T0 + 30_000;
      const refused = await store.take('team-a', limits, REQUEST);
      // One must leave: the bucket of S0 leaves at S0 + 60 s.
      expect(refused.retryAfterMs).toBe((S0 + 60) * 1000 - now);
      now = (S0 + 60) * 1000;
      expect(
        (await store.take('team-a', limits, REQUEST)).refusedBy,
      ).toBeUndefined();
      expect((await store.take('team-a', limits, REQUEST)).refusedBy).toBe(
        'requests_per_minute',
      );
      now = (S0 + 70) * 1000;
      const after = await store.take('team-a', limits, REQUEST);
      expect(after.quotas.requests_per_minute?.remaining).toBe(0);
    });

    it('takes tokens only when the whole estimate fits; a token check counts no request', async () => {
      const store = await start();
      const limits = { requestsPerMinute: 10, tokensPerMinute: 100 };
      const first = await store.take('team-a', limits, tokens(40));
      expect(first.quotas).toEqual({
        requests_per_minute: { limit: 10, remaining: 10, resetMs: 0 },
        tokens_per_minute: { limit: 100, remaining: 60, resetMs: 59_750 },
      });
      expect(first.reservation).toMatchObject({
        tenantId: 'team-a',
        tokens: 40,
      });
      now = T0 + 5_000;
      const refused = await store.take('team-a', limits, tokens(70));
      expect(refused).toMatchObject({
        refusedBy: 'tokens_per_minute',
        used: 40,
        retryAfterMs: 54_750,
      });
      expect(
        (await store.take('team-a', limits, tokens(60))).quotas
          .tokens_per_minute?.remaining,
      ).toBe(0);
      const request = await store.take('team-a', limits, REQUEST);
      expect(request.quotas).toMatchObject({
        requests_per_minute: { remaining: 9 },
        tokens_per_minute: { remaining: 0 },
      });
      expect(request.reservation).toBeUndefined();
    });

    it('refuses more tokens than the limit itself, waiting a whole window', async () => {
      const store = await start();
      const refused = await store.take(
        'team-a',
        { tokensPerMinute: 100 },
        tokens(101),
      );
      expect(refused).toMatchObject({
        refusedBy: 'tokens_per_minute',
        used: 0,
        retryAfterMs: 60_000,
      });
    });

    it('settles down: an estimate larger than the real usage frees the rest', async () => {
      const store = await start();
      const limits = { tokensPerMinute: 100 };
      const { reservation } = await store.take('team-a', limits, tokens(80));
      now = T0 + 2_000;
      await store.settle(reservation!, 10);
      const next = await store.take('team-a', limits, tokens(90));
      expect(next.refusedBy).toBeUndefined();
      expect(next.quotas.tokens_per_minute?.remaining).toBe(0);
    });

    it('settles up: usage past the estimate is counted, and refuses what no longer fits', async () => {
      const store = await start();
      const limits = { tokensPerMinute: 100 };
      const { reservation } = await store.take('team-a', limits, tokens(10));
      now = T0 + 2_000;
      await store.settle(reservation!, 95);
      const next = await store.take('team-a', limits, tokens(10));
      expect(next).toMatchObject({ refusedBy: 'tokens_per_minute', used: 95 });
      // The usage counts from the second it was settled in.
      expect(next.retryAfterMs).toBe((S0 + 62) * 1000 - now);
    });

    it('settles several calls of one request: the first replaces the estimate, the next add', async () => {
      const store = await start();
      const limits = { tokensPerMinute: 1_000, tokensPerDay: 10_000 };
      const { reservation } = await store.take('team-a', limits, tokens(300));
      await store.settle(reservation!, 120);
      await store.settle({ ...reservation!, tokens: 0 }, 80);
      const state = await store.take('team-a', limits, tokens(1));
      expect(state.quotas).toMatchObject({
        tokens_per_minute: { remaining: 1_000 - 201 },
        tokens_per_day: { remaining: 10_000 - 201 },
      });
    });

    it('a settle after the reservation left the window counts only the usage', async () => {
      const store = await start();
      const limits = { tokensPerMinute: 100 };
      const { reservation } = await store.take('team-a', limits, tokens(50));
      now = T0 + 61_000;
      await store.settle(reservation!, 30);
      const state = await store.take('team-a', limits, tokens(70));
      expect(state.refusedBy).toBeUndefined();
      expect(state.quotas.tokens_per_minute?.remaining).toBe(0);
    });

    it('keeps tokens per day in the UTC day, reset at midnight', async () => {
      const store = await start();
      const limits = { tokensPerDay: 1_000 };
      const midnight = (Math.floor(T0 / DAY_MS) + 1) * DAY_MS;
      const first = await store.take('team-a', limits, tokens(600));
      expect(first.quotas).toEqual({
        tokens_per_day: {
          limit: 1_000,
          remaining: 400,
          resetMs: midnight - T0,
        },
      });
      now = midnight - 1;
      const refused = await store.take('team-a', limits, tokens(500));
      expect(refused).toMatchObject({
        refusedBy: 'tokens_per_day',
        used: 600,
        retryAfterMs: 1,
      });
      now = midnight;
      const next = await store.take('team-a', limits, tokens(500));
      expect(next.quotas.tokens_per_day).toEqual({
        limit: 1_000,
        remaining: 500,
        resetMs: DAY_MS,
      });
    });

    it('settles a reservation of yesterday into today', async () => {
      const store = await start();
      const limits = { tokensPerDay: 1_000 };
      const midnight = (Math.floor(T0 / DAY_MS) + 1) * DAY_MS;
      now = midnight - 500;
      const { reservation } = await store.take('team-a', limits, tokens(300));
      now = midnight + 500;
      await store.settle(reservation as TokenReservation, 100);
      const today = await store.take('team-a', limits, tokens(900));
      expect(today.refusedBy).toBeUndefined();
      expect(today.quotas.tokens_per_day?.remaining).toBe(0);
    });

    it('counts each key on its own, and reports only the limits a key has', async () => {
      const store = await start();
      await takeAll(store, { requestsPerMinute: 1 }, REQUEST, 1);
      const other = await store.take(
        'team-b',
        { requestsPerMinute: 1 },
        REQUEST,
      );
      expect(other.refusedBy).toBeUndefined();
      const onlyDay = await store.take('team-c', { tokensPerDay: 5 }, REQUEST);
      expect(Object.keys(onlyDay.quotas)).toEqual(['tokens_per_day']);
      expect(onlyDay.quotas.tokens_per_day).toEqual({
        limit: 5,
        remaining: 5,
        resetMs: 0,
      });
    });
  });
}
