import { IsIn, IsInt, Min } from '../common/validation/class-validator.js';
import { Setting } from './setting.decorator.js';

/** What a limited key's request meets when the limit store (Redis) fails. */
export const STORE_FAILURE_POLICIES = ['open', 'closed'] as const;
export type StoreFailurePolicy = (typeof STORE_FAILURE_POLICIES)[number];

/** The per-key request and token limits of the keys file. */
export class LimitsEnvironment {
  @Setting(
    "When Redis cannot count a [limited key](#rate-and-token-limits)'s request: `open` lets it through uncounted, `closed` answers 503",
  )
  @IsIn(STORE_FAILURE_POLICIES)
  RATE_LIMIT_ON_STORE_FAILURE: StoreFailurePolicy = 'open';

  @Setting(
    'Output tokens a request is assumed to use, before its answer tells, when it sets no `max_tokens`/`max_output_tokens`',
  )
  @IsInt()
  @Min(0)
  RATE_LIMIT_DEFAULT_OUTPUT_TOKENS: number = 256;
}
