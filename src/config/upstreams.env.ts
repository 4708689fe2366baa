import {
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { AGENT_FORMAT_PATTERN } from './agent-format-setting.js';

/** Settings of several upstreams behind one gateway: routing, retries, fallback. */
export class UpstreamsEnvironment {
  /** Path of a JSON file listing named upstreams (`{"upstreams": {...}}`). */
  @IsOptional()
  @IsString()
  UPSTREAMS_CONFIG_PATH?: string;

  /**
   * How the default upstream's models write tool calls as text: `auto`,
   * `none`, a family name or `START,END`. The tool-call parsers check the name.
   */
  @IsString()
  @IsNotEmpty()
  TOOL_CALL_FORMAT = 'auto';

  /**
   * How client tool calls reach clients: `openai` (real `tool_calls`), a text
   * format (`xml`, `llama3`, `qwen3`, `gemma`, `START,END`) or `passthrough`.
   * A request's `agent_format` field or `x-tool-call-format` header overrides it.
   */
  @Matches(AGENT_FORMAT_PATTERN, {
    message:
      'expected openai, xml, llama3, qwen3, gemma, passthrough or "START,END"',
  })
  DEFAULT_TOOL_CALL_TAGS = 'openai';

  /** Retries of a refused connection or a 429/502/503 before any byte streamed. */
  @IsInt()
  @Min(0)
  @Max(10)
  UPSTREAM_MAX_RETRIES: number = 2;

  /** Upstream tried once when the retries ran out; overrides the file's `fallback`. */
  @IsOptional()
  @IsString()
  UPSTREAM_FALLBACK?: string;

  /** Seconds the aggregated `GET /v1/models` list is cached; 0 disables the cache. */
  @IsInt()
  @Min(0)
  MODELS_CACHE_SECONDS: number = 10;

  /**
   * Seconds between two health probes (`GET /models`) of every upstream,
   * whose states /ready's body, gateway_upstream_up and the logs report;
   * 0 turns the probes off (every state stays `unknown`).
   */
  @IsInt()
  @Min(0)
  @Max(3600)
  UPSTREAM_PROBE_INTERVAL: number = 30;
}
