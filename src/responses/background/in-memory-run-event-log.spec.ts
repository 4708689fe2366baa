import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ResponseStreamEvent } from '../../protocol/responses.types.js';
import {
  describeRunEventLogContract,
  numberedEvents,
} from './run-event-log-contract.test-support.js';
import {
  IN_MEMORY_RUNS_KEPT,
  InMemoryRunEventLog,
  LocalWakeups,
} from './run-event-log.js';

describeRunEventLogContract('InMemoryRunEventLog', (options) =>
  Promise.resolve(new InMemoryRunEventLog(options)),
);

describe(InMemoryRunEventLog.name, () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it(`keeps at most ${IN_MEMORY_RUNS_KEPT} runs' worth of events, forgetting the oldest logs`, async () => {
    const log = new InMemoryRunEventLog({ maxEvents: 4, ttlSeconds: 60 });
    for (let run = 0; run <= IN_MEMORY_RUNS_KEPT; run++) {
      await log.append(`resp_${run}`, numberedEvents(0, 4));
    }
    expect(await log.read('resp_0', -1)).toBeUndefined();
    expect((await log.read('resp_1', -1))?.events).toHaveLength(4);
    expect(
      (await log.read(`resp_${IN_MEMORY_RUNS_KEPT}`, -1))?.events,
    ).toHaveLength(4);
  });

  it('forgets finished runs before one still running', async () => {
    const log = new InMemoryRunEventLog({ maxEvents: 4, ttlSeconds: 60 });
    await log.append('resp_running', numberedEvents(0, 4));
    for (let run = 1; run <= IN_MEMORY_RUNS_KEPT; run++) {
      const ending: ResponseStreamEvent = {
        type: 'response.completed',
        sequence_number: 3,
        response: {},
      };
      await log.append(`resp_${run}`, [...numberedEvents(0, 3), ending]);
    }
    expect((await log.read('resp_running', -1))?.events).toHaveLength(4);
    expect(await log.read('resp_1', -1)).toBeUndefined();
    expect((await log.read('resp_2', -1))?.events).toHaveLength(4);
  });

  it('forgets the events ttlSeconds after the last append', async () => {
    vi.useFakeTimers();
    const log = new InMemoryRunEventLog({ maxEvents: 10, ttlSeconds: 60 });
    await log.append('resp_1', numberedEvents(0, 1));
    vi.advanceTimersByTime(59_000);
    await log.append('resp_1', numberedEvents(1, 1));
    vi.advanceTimersByTime(59_000);
    expect((await log.read('resp_1', -1))?.events).toHaveLength(2);
    vi.advanceTimersByTime(1_000);
    expect(await log.read('resp_1', -1)).toBeUndefined();
  });
});

describe(LocalWakeups.name, () => {
  it('forgets a response once its last reader stopped waiting, woken or not', async () => {
    const wakeups = new LocalWakeups();
    const reader = new AbortController();
    const stopped = wakeups.wait('resp_1', reader.signal);
    await wakeups.wait('resp_2', new AbortController().signal, 1);
    reader.abort();
    await stopped;
    expect(wakeups.waitedOn).toBe(0);
  });
});
