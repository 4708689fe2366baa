import { Logger, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { limitsConfig } from '../config/limits.config.js';
import { securityConfig } from '../config/security.config.js';
import { storageConfig } from '../config/storage.config.js';
import { upstreamConfig } from '../config/upstream.config.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { GuardedLimitStore } from './guarded-limit-store.js';
import { InMemoryLimitStore } from './in-memory-limit-store.js';
import type { LimitStore } from './limit-store.js';
import { RateLimitMetrics } from './rate-limit-metrics.js';
import { RateLimits } from './rate-limits.js';

/**
 * Loaded with REDIS_URL only: a gateway without Redis never holds ioredis.
 * The connection opens on the first check of a limited key.
 */
async function redisLimits(
  url: string,
  keyPrefix: string,
): Promise<LimitStore> {
  const { RedisLimitStore } = await import('./redis-limit-store.js');
  return RedisLimitStore.open(url, { keyPrefix });
}

/**
 * The per-key limits of the keys file (RateLimits; configureApp installs
 * its hooks): counted in Redis when REDIS_URL is set, so every replica
 * shares them, else in memory. Without inbound keys, or without a key that
 * has limits, no connection is opened.
 */
@Module({
  imports: [MetricsModule],
  providers: [
    {
      provide: RateLimits,
      inject: [
        storageConfig.KEY,
        securityConfig.KEY,
        limitsConfig.KEY,
        upstreamConfig.KEY,
        MetricsService,
      ],
      useFactory: async (
        storage: ConfigType<typeof storageConfig>,
        security: ConfigType<typeof securityConfig>,
        limits: ConfigType<typeof limitsConfig>,
        upstream: ConfigType<typeof upstreamConfig>,
        metricsService: MetricsService,
      ): Promise<RateLimits> => {
        const metrics = new RateLimitMetrics(metricsService.registry, (label) =>
          metricsService.labels.tenant(label),
        );
        const store =
          storage.redisUrl && security.apiKeys
            ? await redisLimits(storage.redisUrl, storage.redisKeyPrefix)
            : new InMemoryLimitStore();
        const guarded = new GuardedLimitStore(
          store,
          limits.onStoreFailure,
          metrics,
          new Logger(RateLimits.name),
        );
        return new RateLimits(guarded, metrics, {
          defaultOutputTokens: limits.defaultOutputTokens,
          maxAnswerBytes: upstream.maxBodyBytes,
        });
      },
    },
  ],
  exports: [RateLimits],
})
export class LimitsModule {}
