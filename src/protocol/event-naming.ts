import { identity, map, type OperatorFunction } from 'rxjs';
import type { ResponseStreamEvent } from './responses.types.js';

/**
 * How raw reasoning text events are named: `openai` (`response.reasoning_text.*`)
 * or `open-responses` (`response.reasoning.*`).
 */
export const EVENT_NAMINGS = ['openai', 'open-responses'] as const;
export type EventNaming = (typeof EVENT_NAMINGS)[number];

/** The request header that picks the naming for one request. */
export const EVENT_NAMING_HEADER = 'x-responses-event-naming';

// The two specs name the raw reasoning text events differently; every other
// event type is the same in both.
const OPEN_RESPONSES_NAMES: Readonly<Record<string, string>> = {
  'response.reasoning_text.delta': 'response.reasoning.delta',
  'response.reasoning_text.done': 'response.reasoning.done',
};

/**
 * The naming of one request: its header when it names a known naming,
 * else the configured default.
 */
export function eventNamingOf(
  header: string | string[] | undefined,
  fallback: EventNaming,
): EventNaming {
  const value = (Array.isArray(header) ? header[0] : header)
    ?.trim()
    .toLowerCase();
  return EVENT_NAMINGS.find((naming) => naming === value) ?? fallback;
}

/**
 * Renames an event for `naming`. The machine always produces OpenAI's names
 * (the official SDKs require them), so `openai` is the identity.
 */
export function renameEvent(
  event: ResponseStreamEvent,
  naming: EventNaming,
): ResponseStreamEvent {
  if (naming === 'openai') {
    return event;
  }
  const renamed = OPEN_RESPONSES_NAMES[event.type];
  return renamed === undefined ? event : { ...event, type: renamed };
}

/** The event stream with its events named for `naming`. */
export function withEventNaming(
  naming: EventNaming,
): OperatorFunction<ResponseStreamEvent, ResponseStreamEvent> {
  // OpenAI naming is the default: no per-event step at all.
  return naming === 'openai'
    ? identity
    : map((event) => renameEvent(event, naming));
}
