import {
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
} from '../common/validation/class-validator.js';
import { AGENT_FORMAT_PATTERN } from './agent-format-setting.js';
import { Setting } from './setting.decorator.js';

/** Settings of several upstreams behind one gateway: routing, retries, fallback. */
export class UpstreamsEnvironment {
  @Setting(
    'JSON file of named upstreams (see [several upstreams](#tool-calls-written-as-text-and-several-upstreams))',
  )
  @IsOptional()
  @IsString()
  UPSTREAMS_CONFIG_PATH?: string;

  // The tool-call parsers check the name.
  @Setting(
    'Text tool-call parser of the default upstream: `auto`, `none`, a family, or `START,END`',
  )
  @IsString()
  @IsNotEmpty()
  TOOL_CALL_FORMAT = 'auto';

  // A request's `agent_format` field or `x-tool-call-format` header overrides it.
  @Setting(
    'How tool calls reach clients: `openai`, `xml`, `llama3`, `qwen3`, `gemma`, `passthrough` or `START,END`',
  )
  @Matches(AGENT_FORMAT_PATTERN, {
    message:
      'expected openai, xml, llama3, qwen3, gemma, passthrough or "START,END"',
  })
  DEFAULT_TOOL_CALL_TAGS = 'openai';

  @Setting(
    'Retries of a failed connect or 429/502/503 before any byte was streamed',
  )
  @IsInt()
  @Min(0)
  @Max(10)
  UPSTREAM_MAX_RETRIES: number = 2;

  @Setting(
    "Upstream tried once after the retries (overrides the file's `fallback`)",
  )
  @IsOptional()
  @IsString()
  UPSTREAM_FALLBACK?: string;

  @Setting('How long the aggregated `/v1/models` list is cached (0: off)')
  @IsInt()
  @Min(0)
  MODELS_CACHE_SECONDS: number = 10;

  // Their states are what /ready's body, gateway_upstream_up and the logs report.
  @Setting(
    'Seconds between health probes (`GET /models`) of the upstreams; 0: none (see [Readiness](#readiness))',
  )
  @IsInt()
  @Min(0)
  @Max(3600)
  UPSTREAM_PROBE_INTERVAL: number = 30;
}
