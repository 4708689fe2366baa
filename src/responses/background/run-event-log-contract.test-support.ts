import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ResponseStreamEvent } from '../../protocol/responses.types.js';
import type { RunEventLog, RunEventLogOptions } from './run-event-log.js';

/** `count` numbered events from `from`, as a run appends them. */
export function numberedEvents(
  from: number,
  count: number,
): ResponseStreamEvent[] {
  return Array.from({ length: count }, (_, index) => ({
    type: 'response.output_text.delta',
    sequence_number: from + index,
    delta: `piece ${from + index}`,
  }));
}

/**
 * The behaviour every RunEventLog has, run against each implementation
 * (in memory, Redis): `makeLog` returns a fresh log with these options.
 */
export function describeRunEventLogContract(
  name: string,
  makeLog: (options: RunEventLogOptions) => Promise<RunEventLog>,
): void {
  describe(`${name} (RunEventLog contract)`, () => {
    const options = { maxEvents: 5, ttlSeconds: 60 };
    const id = (): string => `resp_${randomUUID().replaceAll('-', '')}`;

    it('reads nothing for a response that never had events', async () => {
      const log = await makeLog(options);
      expect(await log.read(id(), -1)).toBeUndefined();
    });

    it('reads the events after a sequence number, in order', async () => {
      const log = await makeLog(options);
      const run = id();
      await log.append(run, numberedEvents(0, 2));
      await log.append(run, numberedEvents(2, 2));
      expect(await log.read(run, -1)).toEqual({
        events: numberedEvents(0, 4),
        firstKept: 0,
        nextSequence: 4,
      });
      expect((await log.read(run, 1))?.events).toEqual(numberedEvents(2, 2));
      expect((await log.read(run, 3))?.events).toEqual([]);
    });

    it('keeps the newest maxEvents, and says which is the first kept', async () => {
      const log = await makeLog(options);
      const run = id();
      await log.append(run, numberedEvents(0, 4));
      await log.append(run, numberedEvents(4, 3));
      const kept = await log.read(run, -1);
      expect(kept).toEqual({
        events: numberedEvents(2, 5),
        firstKept: 2,
        nextSequence: 7,
      });
    });

    it('keeps the logs of different responses apart', async () => {
      const log = await makeLog(options);
      const [first, second] = [id(), id()];
      await log.append(first, numberedEvents(0, 1));
      expect(await log.read(second, -1)).toBeUndefined();
      expect((await log.read(first, -1))?.events).toHaveLength(1);
    });

    it('wakes a reader waiting for a response at its next append', async () => {
      const log = await makeLog(options);
      const run = id();
      const stop = new AbortController();
      const changed = log.changed(run, stop.signal);
      await log.append(run, numberedEvents(0, 1));
      await changed;
      expect((await log.read(run, -1))?.events).toHaveLength(1);
    });

    it('lets a waiting reader go when its signal aborts', async () => {
      const log = await makeLog(options);
      const stop = new AbortController();
      const changed = log.changed(id(), stop.signal);
      stop.abort();
      await expect(changed).resolves.toBeUndefined();
    });
  });
}
