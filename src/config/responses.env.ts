import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  MinLength,
} from 'class-validator';
import { EVENT_NAMINGS, type EventNaming } from '../protocol/event-naming.js';

/** Settings of the Responses API: event naming and compaction. */
export class ResponsesEnvironment {
  /**
   * `openai` (default: `response.reasoning_text.*`, what the official SDKs
   * require) or `open-responses` (`response.reasoning.*`). A request's
   * `x-responses-event-naming` header overrides it.
   */
  @IsIn(EVENT_NAMINGS)
  RESPONSES_EVENT_NAMING: EventNaming = 'openai';

  /**
   * Secret from which the key sealing compaction items is derived. Unset: a
   * random key per process, so compaction items only open on the replica
   * that made them, until it restarts. Secret: never logged.
   */
  @IsOptional()
  @IsString()
  @MinLength(16)
  COMPACTION_SECRET?: string;

  /**
   * `response.create` messages a WebSocket may queue behind its running
   * turn; one more closes the socket with 1008. Clients wait for a turn's
   * terminal event before the next, so a few are plenty.
   */
  @IsInt()
  @Min(0)
  @Max(1000)
  WS_MAX_PENDING_TURNS: number = 4;

  /**
   * Seconds a WebSocket may stay without a running turn and without a
   * message before it is closed (1000, "idle timeout"); 0: never.
   */
  @IsInt()
  @Min(0)
  @Max(86_400)
  WS_IDLE_TIMEOUT_SECONDS: number = 300;
}
