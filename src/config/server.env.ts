import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
} from 'class-validator';
import { toBoolean } from './env-parsing.js';

const LOG_LEVELS = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
] as const;

/** Settings of the HTTP listener itself. */
export class ServerEnvironment {
  @IsString()
  API_ADAPTER_HOST = '0.0.0.0';

  @IsInt()
  @Min(0)
  @Max(65535)
  API_ADAPTER_PORT: number = 8080;

  /** The gateway's own public URL, for docs and links only. */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  OPENAI_BASE_URL?: string;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** Largest accepted request body; requests carry images, so the default is generous. */
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES: number = 32 * 1024 * 1024;

  /** Seconds of upstream silence after which a `keepalive` stream event goes out. */
  @IsInt()
  @Min(1)
  KEEPALIVE_INTERVAL: number = 15;

  @Transform(toBoolean)
  @IsIn([true, false])
  FORWARD_CLIENT_AUTH: boolean = false;
}
