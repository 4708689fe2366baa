import { describe, expect, it, vi } from 'vitest';
import { drainAndClose, type DrainPlan } from './graceful-shutdown.js';

/**
 * A plan whose in-flight work ends when `finish()` is called, recording the
 * order of steps. With `endsAtGraceEnd`, the streams end when told the
 * grace period is over, as the gateway's streams do.
 */
function plan(
  inFlight: number,
  graceMs: number,
  hurry?: AbortSignal,
  endsAtGraceEnd = false,
) {
  const steps: string[] = [];
  let finish: () => void = () => undefined;
  const idle = new Promise<void>((resolve) => (finish = resolve));
  const state = { count: inFlight };
  const sut: DrainPlan = {
    lifecycle: {
      startDraining: () => steps.push('draining'),
      endGracePeriod: () => {
        steps.push('grace over');
        if (endsAtGraceEnd) {
          state.count = 0;
          finish();
        }
      },
    },
    inFlight: {
      get count() {
        return state.count;
      },
      whenIdle: () => (state.count === 0 ? Promise.resolve() : idle),
    },
    graceMs,
    endStreamsMs: 10,
    hurry,
    closeConnections: () =>
      steps.push(`close connections (${state.count} in flight)`),
    close: () => {
      steps.push('close app');
      return Promise.resolve();
    },
    logger: { info: vi.fn(), warn: vi.fn() },
  };
  return {
    sut,
    steps,
    finish: () => {
      state.count = 0;
      finish();
    },
  };
}

describe(drainAndClose.name, () => {
  it('closes at once when nothing is in flight', async () => {
    const { sut, steps } = plan(0, 60_000);
    await expect(drainAndClose(sut)).resolves.toBe(0);
    expect(steps).toEqual([
      'draining',
      'close connections (0 in flight)',
      'close app',
    ]);
  });

  it('waits for in-flight requests before closing', async () => {
    const { sut, steps, finish } = plan(2, 60_000);
    const done = drainAndClose(sut);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(steps).toEqual(['draining']);
    finish();
    await expect(done).resolves.toBe(0);
    expect(steps).toEqual([
      'draining',
      'close connections (0 in flight)',
      'close app',
    ]);
  });

  it('ends the running streams once the grace period is over, before closing', async () => {
    const { sut, steps } = plan(3, 10, undefined, true);
    await expect(drainAndClose(sut)).resolves.toBe(0);
    expect(steps).toEqual([
      'draining',
      'grace over',
      'close connections (0 in flight)',
      'close app',
    ]);
  });

  it('cuts what is still in flight once the streams had their time to end', async () => {
    const { sut, steps } = plan(3, 10);
    await expect(drainAndClose(sut)).resolves.toBe(3);
    expect(steps).toEqual([
      'draining',
      'grace over',
      'close connections (3 in flight)',
      'close app',
    ]);
    expect(sut.logger.warn).toHaveBeenCalledTimes(2);
  });

  it('cuts the wait short when hurried (a second signal)', async () => {
    const hurry = new AbortController();
    const { sut, steps } = plan(1, 60_000, hurry.signal);
    const done = drainAndClose(sut);
    hurry.abort();
    await expect(done).resolves.toBe(1);
    expect(steps.at(-1)).toBe('close app');
  });
});
