import { IsInt, IsOptional, IsString, IsUrl, Min } from 'class-validator';

/** Settings of the default Chat Completions upstream. */
export class UpstreamEnvironment {
  /** The upstream Chat Completions base URL, including its `/v1`. */
  @IsUrl({ require_tld: false, require_protocol: true })
  OPENAI_BASE_URL_INTERNAL = 'http://localhost:11434/v1';

  /** Sent upstream as a Bearer token. Secret: never logged. */
  @IsOptional()
  @IsString()
  OPENAI_API_KEY?: string;

  @IsInt()
  @Min(1)
  UPSTREAM_CONNECT_TIMEOUT_MS: number = 10_000;

  /**
   * Idle time allowed between two bytes from the upstream (and before its headers).
   * Long by default: reasoning models may think for minutes before the first token.
   */
  @IsInt()
  @Min(1)
  UPSTREAM_READ_TIMEOUT_MS: number = 600_000;
}
