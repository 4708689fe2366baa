import { describe, expect, it } from 'vitest';
import { newRequestContext } from '../common/logging/request-context.js';
import type { LimitStore, TokenReservation } from './limit-store.js';
import { settleFromModelCalls } from './token-settlement.js';

const reservation: TokenReservation = {
  tenantId: 'key:a',
  limits: {},
  tokens: 500,
  second: 0,
  day: 0,
};

/** A store that records each settle as [reserved, used]. */
function recordingStore(): { store: LimitStore; settled: number[][] } {
  const settled: number[][] = [];
  const store = {
    settle: (reserved: TokenReservation, used: number) => {
      settled.push([reserved.tokens, used]);
      return Promise.resolve();
    },
  } as Pick<LimitStore, 'settle'> as LimitStore;
  return { store, settled };
}

describe(settleFromModelCalls.name, () => {
  it('gives the estimate back when the request ends without a model call', () => {
    const { store, settled } = recordingStore();
    const context = newRequestContext('req-1');
    settleFromModelCalls(store, context, reservation)();
    expect(settled).toEqual([[500, 0]]);
  });

  it("waits for the request's detached work (a background run) before giving anything back", async () => {
    const { store, settled } = recordingStore();
    const context = newRequestContext('req-1');
    let finishRun!: () => void;
    context.detachedWork = new Promise<void>((resolve) => {
      finishRun = resolve;
    });
    const ended = settleFromModelCalls(store, context, reservation);
    ended(); // the HTTP request is over: the run goes on
    await Promise.resolve();
    expect(settled).toEqual([]);
    // The run's model call reports its usage: it replaces the estimate.
    context.model = 'm';
    context.modelCallEnded?.({
      prompt_tokens: 40,
      completion_tokens: 2,
      total_tokens: 42,
    });
    finishRun();
    await context.detachedWork;
    await Promise.resolve();
    expect(settled).toEqual([[500, 42]]);
  });
});
