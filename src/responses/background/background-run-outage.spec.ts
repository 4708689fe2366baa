import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  redisForTests,
  type TestRedis,
} from '../../../test/support/redis-server.js';
import type { ResponseStreamEvent } from '../../protocol/responses.types.js';
import { checkStream } from '../core/stream-checker.test-support.js';
import { BackgroundResponses } from './background-responses.service.js';
import { setUpRuns, textChunk } from './background-runs.test-support.js';
import type { BackgroundBackend } from './background.providers.js';
import { RedisRunCoordination } from './redis-run-coordination.js';
import { InMemoryRunEventLog } from './run-event-log.js';

let redis: TestRedis;
let client: Redis;

beforeAll(async () => {
  redis = await redisForTests();
  client = new Redis(redis.url, { lazyConnect: true });
  await client.connect();
});
afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

/** An event log whose appends fail while `down` is set. */
class FlakyLog extends InMemoryRunEventLog {
  down = false;

  override append(
    id: string,
    events: readonly ResponseStreamEvent[],
  ): Promise<void> {
    return this.down
      ? Promise.reject(new Error('the log is down'))
      : super.append(id, events);
  }
}

/** Runs whose end claims and leases live in Redis, as across replicas. */
function setUp() {
  const log = new FlakyLog({ maxEvents: 100, ttlSeconds: 60 });
  const coordination = new RedisRunCoordination(client, {
    keyPrefix: `bg-outage-${randomUUID()}:`,
    leaseMs: 3_000,
    ttlSeconds: 60,
  });
  const backend: BackgroundBackend = {
    log,
    coordination,
    close: () => coordination.close(),
  };
  const set = setUpRuns(undefined, backend);
  const responses = new BackgroundResponses(set.store, backend, set.runs);
  return { ...set, log, responses };
}

const request = { model: 'm', input: 'hi', background: true };

describe('a background run whose final save fails (store down)', () => {
  it.each([{ lostToo: 'nothing else' }, { lostToo: 'its last events' }])(
    'ends failed once the store is back, and its replay ends ($lostToo lost)',
    async ({ lostToo }) => {
      const { store, log, runs, upstreams, responses, backend } = setUp();
      const queued = await runs.start(request, {});
      upstreams[0]!.next(textChunk('Hello'));
      const ended = runs.whenEnded(queued.id);
      store.down = true;
      log.down = lostToo !== 'nothing else';
      upstreams[0]!.next(textChunk('', 'stop'));
      upstreams[0]!.complete();
      await ended;
      store.down = false;
      log.down = false;

      const stored = (await store.getTurn(queued.id))!.response;
      const current = await responses.current(stored);
      expect(current).toMatchObject({ id: queued.id, status: 'failed' });
      expect((await store.getTurn(queued.id))?.response.status).toBe('failed');
      const events = await lastValueFrom(
        responses.replay(current, -1).pipe(toArray()),
      );
      const final = checkStream(events).final;
      expect(final).toMatchObject({ status: 'failed' });
      expect(final.error).toEqual(current.error);
      expect(
        events.filter((event) => event.type === 'response.failed'),
      ).toHaveLength(1);
      await backend.close();
    },
  );
});
