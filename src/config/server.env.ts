import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { HEADER_NAME_LIST } from './header-list.js';
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

  /**
   * When set, `GET /metrics` is served on this port (same host) by a server
   * of its own, and no longer on the API port: a NetworkPolicy or Service
   * can then expose the API without the metrics. Unset: /metrics on the API port.
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  METRICS_PORT?: number;

  /** The gateway's own public URL, for docs and links only. */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  OPENAI_BASE_URL?: string;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /**
   * Largest accepted request body; requests carry images, so the default is
   * generous. Lowered at start to MAX_INFLIGHT_BODY_BYTES when larger (see
   * src/common/admission/memory-budget.ts).
   */
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES: number = 32 * 1024 * 1024;

  /**
   * Bytes of request bodies the gateway holds at once; a request that would
   * go over it gets a 503 before its body is read. Unset: an eighth of the
   * V8 heap limit.
   */
  @IsOptional()
  @IsInt()
  @Min(1024)
  MAX_INFLIGHT_BODY_BYTES?: number;

  /**
   * Seconds a client has to send a whole request, headers and body (Node's
   * requestTimeout). Only the request: the response, a long stream
   * included, has no limit.
   */
  @IsInt()
  @Min(1)
  @Max(3600)
  HTTP_REQUEST_TIMEOUT: number = 60;

  /** Seconds a client has to send the request headers, from its connection or first byte. */
  @IsInt()
  @Min(1)
  @Max(3600)
  HTTP_HEADERS_TIMEOUT: number = 30;

  /**
   * Seconds an idle keep-alive connection stays open between two requests;
   * longer than the 60 s upstream keep-alive of nginx and cloud load
   * balancers, so they close first and never reuse a connection being closed.
   */
  @IsInt()
  @Min(1)
  @Max(3600)
  HTTP_KEEP_ALIVE_TIMEOUT: number = 72;

  /** Seconds of upstream silence after which a `keepalive` stream event goes out. */
  @IsInt()
  @Min(1)
  KEEPALIVE_INTERVAL: number = 15;

  @Transform(toBoolean)
  @IsIn([true, false])
  FORWARD_CLIENT_AUTH: boolean = false;

  /**
   * Comma-separated client credential headers (`x-api-key`, `api-key`,
   * `x-goog-api-key`, `x-auth-token`, `cookie`) a pass-through request
   * forwards upstream. Unset: none of them leaves the gateway; the
   * Authorization header follows FORWARD_CLIENT_AUTH instead.
   */
  @IsOptional()
  @Matches(HEADER_NAME_LIST, {
    message: 'expected a comma-separated list of header names',
  })
  FORWARD_CLIENT_CREDENTIALS?: string;
}
