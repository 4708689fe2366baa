import type { Redis } from 'ioredis';
import type { ResponseStreamEvent } from '../../protocol/responses.types.js';
import { RedisScript } from '../store/redis-scripts.js';
import {
  LocalWakeups,
  type RunEventLog,
  type RunEventLogOptions,
  type RunEvents,
} from './run-event-log.js';

/** How often a reader on another replica looks for new events. */
const REMOTE_POLL_MS = 100;

/** Pushes the events, drops the oldest past the cap (counting them), refreshes the TTL. */
const APPEND = new RedisScript(`
local events, dropped = KEYS[1], KEYS[2]
local max, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
for i = 3, #ARGV do
  redis.call('RPUSH', events, ARGV[i])
end
local excess = redis.call('LLEN', events) - max
if excess > 0 then
  redis.call('LTRIM', events, excess, -1)
  redis.call('INCRBY', dropped, excess)
end
redis.call('EXPIRE', events, ttl)
if redis.call('EXISTS', dropped) == 1 then
  redis.call('EXPIRE', dropped, ttl)
end
return 0
`);

/** {first kept sequence number, next sequence number, events after ARGV[1]}, or false when nothing is kept. */
const READ = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
local first = tonumber(redis.call('GET', KEYS[2]) or '0')
local from = tonumber(ARGV[1]) + 1 - first
if from < 0 then
  from = 0
end
return {first, first + redis.call('LLEN', KEYS[1]), redis.call('LRANGE', KEYS[1], from, -1)}
`);

/**
 * The RunEventLog every replica shares: a list of event JSON per response
 * (`<prefix>bg:events:<id>`) and a count of the events dropped from its
 * head (`<prefix>bg:dropped:<id>`), both expiring `ttlSeconds` after the
 * last append. Readers on the replica that runs the response are woken at
 * once; readers elsewhere poll every REMOTE_POLL_MS.
 */
export class RedisRunEventLog implements RunEventLog {
  private readonly wakeups = new LocalWakeups();

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly options: RunEventLogOptions,
  ) {}

  async append(
    id: string,
    events: readonly ResponseStreamEvent[],
  ): Promise<void> {
    await APPEND.run(this.redis, this.keysOf(id), [
      this.options.maxEvents,
      this.options.ttlSeconds,
      ...events.map((event) => JSON.stringify(event)),
    ]);
    this.wakeups.wake(id);
  }

  async read(id: string, after: number): Promise<RunEvents | undefined> {
    const found = await READ.run(this.redis, this.keysOf(id), [after]);
    if (!Array.isArray(found)) {
      return undefined;
    }
    const [firstKept, nextSequence, events] = found as [
      number,
      number,
      string[],
    ];
    return {
      firstKept,
      nextSequence,
      events: events.map((json) => JSON.parse(json) as ResponseStreamEvent),
    };
  }

  changed(id: string, signal: AbortSignal): Promise<void> {
    return this.wakeups.wait(id, signal, REMOTE_POLL_MS);
  }

  close(): Promise<void> {
    // The connection is the backend's (see background.providers.ts).
    return Promise.resolve();
  }

  private keysOf(id: string): string[] {
    return [
      `${this.keyPrefix}bg:events:${id}`,
      `${this.keyPrefix}bg:dropped:${id}`,
    ];
  }
}
