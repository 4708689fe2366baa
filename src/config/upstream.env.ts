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
   * Idle time allowed between two bytes from the upstream (and before its headers),
   * and in a stream between two events: SSE comments alone are not progress.
   * Long by default: reasoning models may think for minutes before the first token.
   */
  @IsInt()
  @Min(1)
  UPSTREAM_READ_TIMEOUT_MS: number = 600_000;

  /**
   * Longest one upstream call may take in all, retries included, however
   * steadily its bytes arrive: the read timeout alone never ends an upstream
   * that trickles. Generous, as long reasoning streams are legitimate.
   */
  @IsInt()
  @Min(1)
  UPSTREAM_TOTAL_TIMEOUT_MS: number = 1_800_000;

  /**
   * Largest single event of an upstream stream. A few MiB: a tool call's
   * arguments may carry a base64 image.
   */
  @IsInt()
  @Min(1024)
  UPSTREAM_MAX_EVENT_BYTES: number = 8 * 1024 * 1024;

  /** Largest non-streamed upstream body (a completion, a model list). */
  @IsInt()
  @Min(1024)
  UPSTREAM_MAX_BODY_BYTES: number = 32 * 1024 * 1024;

  /** Largest streamed answer, all its events together. */
  @IsInt()
  @Min(1024)
  UPSTREAM_MAX_ANSWER_BYTES: number = 64 * 1024 * 1024;
}
