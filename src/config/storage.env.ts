import {
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Min,
} from '../common/validation/class-validator.js';
import { Setting } from './setting.decorator.js';

/** Settings of the response store shared by every replica. */
export class StorageEnvironment {
  // It may carry a password, hence never logged.
  @Setting(
    'A [shared response store](#shared-response-store) in Redis: `redis://…` or `rediss://…`; never logged; unset: in memory',
  )
  @IsOptional()
  @IsUrl({
    require_tld: false,
    require_protocol: true,
    allow_underscores: true,
    protocols: ['redis', 'rediss'],
  })
  REDIS_URL?: string;

  @Setting(
    'Every Redis key expires this long after its conversation was last saved or read',
  )
  @IsInt()
  @Min(1)
  RESPONSE_TTL_SECONDS: number = 30 * 24 * 60 * 60;

  @Setting(
    'Prefix of every Redis key, so several gateways (or environments) can share one database',
  )
  @IsString()
  @IsNotEmpty()
  REDIS_KEY_PREFIX = 'orgw:';

  // See memory-store-budget.ts for the share.
  @Setting(
    'Bytes (JSON length) the in-memory response store holds; the least recently used go first past it; unset: 1/8 of the heap limit',
  )
  @IsOptional()
  @IsInt()
  @Min(1)
  MEMORY_STORE_MAX_BYTES?: number;

  @Setting(
    'Items a [conversation](#conversations) may hold; adding past it is refused (400 `conversation_too_long`), nothing is dropped',
  )
  @IsInt()
  @Min(1)
  CONVERSATION_MAX_ITEMS: number = 5_000;

  @Setting(
    'Conversations the in-memory store keeps (the least recently used go first); with Redis they expire after RESPONSE_TTL_SECONDS instead',
  )
  @IsInt()
  @Min(1)
  MAX_CONVERSATIONS: number = 10_000;
}
