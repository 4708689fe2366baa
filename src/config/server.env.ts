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
} from '../common/validation/class-validator.js';
import { HEADER_NAME_LIST } from './header-list.js';
import { toBoolean } from './env-parsing.js';
import { Setting } from './setting.decorator.js';

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
  @Setting('Listen address')
  @IsString()
  API_ADAPTER_HOST = '0.0.0.0';

  @Setting('Listen port')
  @IsInt()
  @Min(0)
  @Max(65535)
  API_ADAPTER_PORT: number = 8080;

  // Node's default, 511, overflows when hundreds of clients connect at once
  // to a busy gateway; the kernel then drops the handshake's last packet and
  // the client waits out SYN-ACK retransmits: 1, 2, 4 … up to 63 s.
  @Setting(
    'Connections the kernel queues before the gateway accepts them (capped by `net.core.somaxconn`)',
  )
  @IsInt()
  @Min(1)
  @Max(65535)
  LISTEN_BACKLOG: number = 4096;

  // A NetworkPolicy or Service can then expose the API without the metrics.
  @Setting(
    'Serve `GET /metrics` (no longer on the API port) and a liveness `GET /health` on this port (same host); unset: on the API port',
  )
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  METRICS_PORT?: number;

  @Setting("The gateway's own public URL, for docs and links only")
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  OPENAI_BASE_URL?: string;

  @Setting('`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`')
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  // Lowered at start to MAX_INFLIGHT_BODY_BYTES when larger (memory-budget.ts).
  @Setting(
    'Largest request body (requests carry images); at most `MAX_INFLIGHT_BODY_BYTES`',
  )
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES: number = 32 * 1024 * 1024;

  // The 503 comes before the body is read.
  @Setting(
    'Bytes of request bodies held at once; one that does not fit gets a 503 (see [Memory budget](#memory-budget)); unset: 1/8 of the heap limit',
  )
  @IsOptional()
  @IsInt()
  @Min(1024)
  MAX_INFLIGHT_BODY_BYTES?: number;

  // Node's requestTimeout: a long stream in the response is not cut.
  @Setting(
    'Seconds a client has to send a whole request, body included (then 408); the response has no limit',
  )
  @IsInt()
  @Min(1)
  @Max(3600)
  HTTP_REQUEST_TIMEOUT: number = 60;

  @Setting(
    'Seconds a client has to send the request headers (then 408); at most `HTTP_REQUEST_TIMEOUT`',
  )
  @IsInt()
  @Min(1)
  @Max(3600)
  HTTP_HEADERS_TIMEOUT: number = 30;

  // Longer than the balancer's own, so it closes first and never reuses a
  // connection the gateway is closing.
  @Setting(
    'Seconds an idle keep-alive connection stays open (longer than the 60 s of nginx and load balancers)',
  )
  @IsInt()
  @Min(1)
  @Max(3600)
  HTTP_KEEP_ALIVE_TIMEOUT: number = 72;

  @Setting('Seconds of upstream silence before a `keepalive` stream event')
  @IsInt()
  @Min(1)
  KEEPALIVE_INTERVAL: number = 15;

  @Setting(
    "Forward the client's `Authorization` upstream instead of `OPENAI_API_KEY`",
  )
  @Transform(toBoolean)
  @IsIn([true, false])
  FORWARD_CLIENT_AUTH: boolean = false;

  // Authorization is not in the list: FORWARD_CLIENT_AUTH decides for it.
  @Setting(
    'Client credential headers a pass-through forwards (`x-api-key`, `api-key`, `x-goog-api-key`, `x-auth-token`, `cookie`); unset: none',
  )
  @IsOptional()
  @Matches(HEADER_NAME_LIST, {
    message: 'expected a comma-separated list of header names',
  })
  FORWARD_CLIENT_CREDENTIALS?: string;
}
