import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import type { ResponseStreamEvent } from '../../protocol/responses.types.js';
import { replayRun } from './background-replay.js';
import { numberedEvents } from './run-event-log-contract.test-support.js';
import { InMemoryRunEventLog } from './run-event-log.js';

const terminal = (sequence: number): ResponseStreamEvent => ({
  type: 'response.completed',
  sequence_number: sequence,
  response: {},
});

const replay = (
  log: InMemoryRunEventLog,
  after: number,
  running = true,
): Promise<ResponseStreamEvent[]> =>
  lastValueFrom(
    replayRun(log, 'resp_1', after, () => Promise.resolve(running)).pipe(
      toArray(),
    ),
  );

describe(replayRun.name, () => {
  it('gives the kept events after starting_after, then the live ones, up to the terminal event', async () => {
    const log = new InMemoryRunEventLog({ maxEvents: 100, ttlSeconds: 60 });
    await log.append('resp_1', numberedEvents(0, 3));
    const replayed = replay(log, 0);
    await log.append('resp_1', numberedEvents(3, 2));
    await log.append('resp_1', [terminal(5), ...numberedEvents(6, 1)]);
    expect(await replayed).toEqual([...numberedEvents(1, 4), terminal(5)]);
  });

  it('refuses (400) a replay from before the events still kept', async () => {
    const log = new InMemoryRunEventLog({ maxEvents: 3, ttlSeconds: 60 });
    await log.append('resp_1', numberedEvents(0, 5));
    const refused = await replay(log, 0).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GatewayException);
    expect(refused).toMatchObject({
      code: 'invalid_request',
      options: { param: 'starting_after' },
    });
    expect((refused as Error).message).toContain('after sequence number 1');
    // From the first kept one on (now 3: the terminal event pushed 2 out), it is served.
    await log.append('resp_1', [terminal(5)]);
    expect(await replay(log, 2)).toEqual([
      ...numberedEvents(3, 2),
      terminal(5),
    ]);
  });

  it('refuses (400) a replay of a run that ended and whose events expired', async () => {
    const log = new InMemoryRunEventLog({ maxEvents: 3, ttlSeconds: 60 });
    await expect(replay(log, -1, false)).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });

  it('ends at once a replay from the terminal event on of a run that ended', async () => {
    const log = new InMemoryRunEventLog({ maxEvents: 100, ttlSeconds: 60 });
    await log.append('resp_1', [...numberedEvents(0, 3), terminal(3)]);
    expect(await replay(log, 3, false)).toEqual([]);
    expect(await replay(log, 7, false)).toEqual([]);
  });
});
