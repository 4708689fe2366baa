import { IsIn, IsOptional, IsString, MinLength } from 'class-validator';
import {
  EVENT_NAMINGS,
  type EventNaming,
} from '../responses/core/event-naming.js';

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
}
