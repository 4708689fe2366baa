import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { closeRedis } from '../../common/redis/redis-client.js';
import { RedisScript } from '../store/redis-scripts.js';
import type { RunCoordination, RunHold } from './run-coordination.js';

/** Deletes KEYS[1] only when it still holds ARGV[1] (this replica's claim). */
const RELEASE_OWN = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

/** How a RedisRunCoordination times its leases. */
export interface RedisRunCoordinationOptions {
  keyPrefix: string;
  /** A replica that stops refreshing loses its lease after this long. */
  leaseMs: number;
  /** How long cancel requests and end claims are remembered. */
  ttlSeconds: number;
}

/**
 * RunCoordination across replicas in Redis. A running replica holds
 * `<prefix>bg:lease:<id>` (PX leaseMs, refreshed every third of it);
 * a cancel is a key (`bg:cancel:<id>`, checked at each refresh, so a
 * missed message is not lost) and a message on `bg:cancel`, heard on one
 * subscriber connection per replica, opened with its first run. The
 * final state is claimed with SET NX (`bg:end:<id>`).
 */
export class RedisRunCoordination implements RunCoordination {
  private readonly logger = new Logger(RedisRunCoordination.name);
  /** The runs held here: how to cancel each, and its lease renewal. */
  private readonly holds = new Map<
    string,
    { cancel: () => void; refresh: NodeJS.Timeout }
  >();
  private readonly replica = randomUUID();
  private subscriber: Promise<Redis> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisRunCoordinationOptions,
  ) {}

  async hold(id: string, onCancel: () => void): Promise<RunHold> {
    await this.listenForCancels();
    const lease = this.key('lease', id);
    await this.redis.set(lease, this.replica, 'PX', this.options.leaseMs);
    let cancelled = false;
    const cancelOnce = (): void => {
      if (!cancelled) {
        cancelled = true;
        onCancel();
      }
    };
    const refresh = setInterval(() => {
      void this.refresh(id, cancelOnce);
    }, this.options.leaseMs / 3);
    refresh.unref();
    this.holds.set(id, { cancel: cancelOnce, refresh });
    return {
      release: async () => {
        clearInterval(refresh);
        this.holds.delete(id);
        await this.redis.del(lease).catch(() => undefined);
      },
    };
  }

  async isRunning(id: string): Promise<boolean> {
    return (await this.redis.exists(this.key('lease', id))) === 1;
  }

  async requestCancel(id: string): Promise<void> {
    await this.redis
      .multi()
      .set(this.key('cancel', id), '1', 'EX', this.options.ttlSeconds)
      .publish(this.channel, id)
      .exec();
  }

  async claimEnd(id: string): Promise<boolean> {
    const claimed = await this.redis.set(
      this.key('end', id),
      this.replica,
      'EX',
      this.options.ttlSeconds,
      'NX',
    );
    return claimed === 'OK';
  }

  async releaseEnd(id: string): Promise<void> {
    await RELEASE_OWN.run(this.redis, [this.key('end', id)], [this.replica]);
  }

  async close(): Promise<void> {
    for (const { refresh } of this.holds.values()) {
      clearInterval(refresh);
    }
    this.holds.clear();
    const subscriber = await this.subscriber?.catch(() => undefined);
    if (subscriber !== undefined) {
      await closeRedis(subscriber);
    }
  }

  /** Renews the lease, and looks for a cancel whose message was missed. */
  private async refresh(id: string, onCancel: () => void): Promise<void> {
    try {
      const [, cancel] =
        (await this.redis
          .multi()
          .set(this.key('lease', id), this.replica, 'PX', this.options.leaseMs)
          .exists(this.key('cancel', id))
          .exec()) ?? [];
      if (cancel?.[1] === 1) {
        onCancel();
      }
    } catch (error) {
      this.logger.warn(
        { err: error, response: id },
        'could not renew the lease of a background response',
      );
    }
  }

  /** One subscriber connection per replica, opened with its first run. */
  private listenForCancels(): Promise<Redis> {
    this.subscriber ??= (async () => {
      const subscriber = this.redis.duplicate();
      subscriber.on('error', () => undefined);
      subscriber.on('message', (_channel: string, id: string) =>
        this.holds.get(id)?.cancel(),
      );
      await subscriber.connect();
      await subscriber.subscribe(this.channel);
      return subscriber;
    })().catch((error: unknown) => {
      // The next run tries again.
      this.subscriber = undefined;
      throw error;
    });
    return this.subscriber;
  }

  private get channel(): string {
    return `${this.options.keyPrefix}bg:cancel`;
  }

  private key(kind: 'lease' | 'cancel' | 'end', id: string): string {
    return `${this.options.keyPrefix}bg:${kind}:${id}`;
  }
}
