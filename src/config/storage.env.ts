import {
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Min,
} from 'class-validator';

/** Settings of the response store shared by every replica. */
export class StorageEnvironment {
  /**
   * `redis://[user:password@]host:port/db` (or `rediss://`). When set,
   * responses live in Redis instead of the in-memory LRU. Secret: it may
   * carry a password, so it is never logged.
   */
  @IsOptional()
  @IsUrl({
    require_tld: false,
    require_protocol: true,
    allow_underscores: true,
    protocols: ['redis', 'rediss'],
  })
  REDIS_URL?: string;

  /** Seconds a stored response lives after its last use (default 30 days). */
  @IsInt()
  @Min(1)
  RESPONSE_TTL_SECONDS: number = 30 * 24 * 60 * 60;

  /** Prefix of every Redis key, so several gateways can share one database. */
  @IsString()
  @IsNotEmpty()
  REDIS_KEY_PREFIX = 'orgw:';

  /**
   * Bytes (JSON length) the in-memory response store may hold; the least
   * recently used responses go first past it. Unset: an eighth of V8's heap
   * limit (see memory-store-budget.ts).
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  MEMORY_STORE_MAX_BYTES?: number;
}
