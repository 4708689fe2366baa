import {
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Min,
} from '../common/validation/class-validator.js';
import { Setting } from './setting.decorator.js';

/** Settings of the default Chat Completions upstream. */
export class UpstreamEnvironment {
  @Setting('The upstream Chat Completions base URL, with its `/v1`')
  @IsUrl({ require_tld: false, require_protocol: true })
  OPENAI_BASE_URL_INTERNAL = 'http://localhost:11434/v1';

  @Setting('Sent upstream as a Bearer token; never logged')
  @IsOptional()
  @IsString()
  OPENAI_API_KEY?: string;

  @Setting('Connect timeout towards the upstream')
  @IsInt()
  @Min(1)
  UPSTREAM_CONNECT_TIMEOUT_MS: number = 10_000;

  // Also before the headers; SSE comments alone are not progress.
  @Setting(
    'Idle time allowed between two upstream bytes, and in a stream between two events (long: reasoning models pause)',
  )
  @IsInt()
  @Min(1)
  UPSTREAM_READ_TIMEOUT_MS: number = 600_000;

  // However steadily its bytes arrive: the read timeout alone never ends an
  // upstream that trickles. Generous, as long reasoning streams are legitimate.
  @Setting(
    'Longest one upstream call may take in all, retries included (see [Upstream limits](#upstream-size-and-time-limits))',
  )
  @IsInt()
  @Min(1)
  UPSTREAM_TOTAL_TIMEOUT_MS: number = 1_800_000;

  @Setting(
    'Largest single event of an upstream stream (a tool call may carry a base64 image)',
  )
  @IsInt()
  @Min(1024)
  UPSTREAM_MAX_EVENT_BYTES: number = 8 * 1024 * 1024;

  @Setting('Largest non-streamed upstream body (a completion, a model list)')
  @IsInt()
  @Min(1024)
  UPSTREAM_MAX_BODY_BYTES: number = 32 * 1024 * 1024;

  @Setting('Largest streamed upstream answer, all its events together')
  @IsInt()
  @Min(1024)
  UPSTREAM_MAX_ANSWER_BYTES: number = 64 * 1024 * 1024;
}
