import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  MinLength,
} from '../common/validation/class-validator.js';
import { EVENT_NAMINGS, type EventNaming } from '../protocol/event-naming.js';
import { Setting } from './setting.decorator.js';

/** Settings of the Responses API: event naming and compaction. */
export class ResponsesEnvironment {
  // `openai` is what the official SDKs require (`response.reasoning_text.*`);
  // a request's `x-responses-event-naming` header overrides it.
  @Setting(
    'Raw reasoning event names: `openai` or `open-responses` (see [Event naming](#event-naming-openai-or-open-responses))',
  )
  @IsIn(EVENT_NAMINGS)
  RESPONSES_EVENT_NAMING: EventNaming = 'openai';

  // Unset, compaction items only open on the replica that made them, until
  // it restarts.
  @Setting(
    'Secret (16+ characters) sealing compaction items; same value on every replica; never logged; unset: a random key per process',
  )
  @IsOptional()
  @IsString()
  @MinLength(16)
  COMPACTION_SECRET?: string;

  // Clients wait for a turn's terminal event before the next, so a few are plenty.
  @Setting(
    '`response.create` messages a WebSocket may queue behind its running turn; one more closes it (1008)',
  )
  @IsInt()
  @Min(0)
  @Max(1000)
  WS_MAX_PENDING_TURNS: number = 4;

  @Setting(
    'Seconds a WebSocket may sit without a turn or a message before it is closed (1000); 0: never',
  )
  @IsInt()
  @Min(0)
  @Max(86_400)
  WS_IDLE_TIMEOUT_SECONDS: number = 300;

  @Setting(
    'Background responses (`background: true`) one replica runs at once; one more is refused (429)',
  )
  @IsInt()
  @Min(0)
  @Max(100_000)
  BACKGROUND_MAX_RUNS: number = 100;

  // Tenants only: with inbound auth off, BACKGROUND_MAX_RUNS alone applies.
  @Setting(
    'Background responses one key (tenant) may run at once on a replica; one more is refused (429)',
  )
  @IsInt()
  @Min(0)
  @Max(100_000)
  BACKGROUND_MAX_RUNS_PER_KEY: number = 10;

  @Setting(
    'Seconds the events of a background response are kept for `GET …?stream=true` after its last event',
  )
  @IsInt()
  @Min(1)
  @Max(604_800)
  BACKGROUND_EVENTS_TTL_SECONDS: number = 3_600;

  // A long answer makes thousands of delta events: past the cap the oldest
  // are dropped, and a replay from before the kept ones is refused (400).
  @Setting(
    'Events kept per background response for replays; past it the oldest are dropped',
  )
  @IsInt()
  @Min(10)
  @Max(1_000_000)
  BACKGROUND_MAX_EVENTS: number = 10_000;
}
