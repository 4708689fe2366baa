import type {
  ResponseObject,
  ResponseStreamEvent,
} from '../../protocol/responses.types.js';
import type { ResponseEcho } from './response-snapshot.js';
import { ObjectSlot } from '../../common/objects/object-slot.js';
import { jsonText } from '../../common/json/json-text.js';

/**
 * The echo each lifecycle event's Response was built from. A WeakMap, not
 * an ObjectSlot: a Response is a spread's copy of its template, and on
 * Node 20 a key added to such a copy gives it a hidden class of its own
 * each time, whose object then outlives young GCs (see withFields). The
 * echo never points back to its Response, so the entry keeps neither.
 */
const echoOf = new WeakMap<ResponseObject, ResponseEcho>();
/** An echo's settings (all but `background`) as JSON text without its braces. */
const settingsText = new ObjectSlot<ResponseEcho, string>('settings text');

/** Called by buildResponse: `response` spreads `echo`'s settings. */
export function rememberEcho(
  response: ResponseObject,
  echo: ResponseEcho,
): void {
  echoOf.set(response, echo);
}

/**
 * `JSON.stringify(response)`, byte for byte, with the echoed settings
 * written once per response rather than once per lifecycle event: a coding
 * agent's request echoes kilobytes of instructions and tool schemas, in
 * `response.created`, `response.in_progress` and the terminal event alike.
 * Safe because nothing mutates a Response or its echo once built (the
 * machine's snapshot test holds it to that); a settings field replaced on
 * the Response itself is noticed, and the Response is written in full. A
 * final Response (completed, failed…) is written once: its JSON is kept
 * for the next write of it (recentResponses).
 */
export function responseJson(response: ResponseObject): string {
  const known = recentResponses.find((entry) => entry.response === response);
  if (known !== undefined) {
    return known.json;
  }
  const json = writtenResponse(response);
  if (isFinal(response)) {
    // A store keeps the final Response: the echo's texts must not stay
    // with it. Written again, it is the JSON kept here, or written whole.
    echoOf.delete(response);
    if (json.length <= RECENT_MAX_LENGTH) {
      recentResponses.unshift({ response, json });
      recentResponses.length = Math.min(
        recentResponses.length,
        RECENT_RESPONSES,
      );
    }
  }
  return json;
}

/**
 * The last few final Responses written, with their JSON: a stream's final
 * Response is written by the store (storedTurnJson) and then by the
 * terminal event, the same object (ResponseEventMachine.response), and a
 * long answer's output is most of both writes. Bounded: up to
 * RECENT_RESPONSES entries of up to RECENT_MAX_LENGTH characters. A
 * Response is never changed once built (see responseJson), so its JSON
 * stays its JSON.
 */
const recentResponses: { response: ResponseObject; json: string }[] = [];
const RECENT_RESPONSES = 4;
const RECENT_MAX_LENGTH = 1024 * 1024;

/** A Response no later event replaces: the one its store and terminal event write. */
function isFinal(response: ResponseObject): boolean {
  return response.status !== 'in_progress' && response.status !== 'queued';
}

function writtenResponse(response: ResponseObject): string {
  const echo = echoOf.get(response);
  if (
    echo === undefined ||
    response.output === undefined ||
    response.usage === undefined ||
    !sharesSettings(response, echo)
  ) {
    return jsonText(response);
  }
  const settings = settingsOf(echo);
  if (settings === '') {
    return jsonText(response);
  }
  const head = JSON.stringify({
    id: response.id,
    object: response.object,
    created_at: response.created_at,
    status: response.status,
    background: response.background,
    completed_at: response.completed_at,
    error: response.error,
    incomplete_details: response.incomplete_details,
  });
  return `${head.slice(0, -1)},${settings},"output":${jsonText(response.output)},"usage":${JSON.stringify(response.usage)}}`;
}

/**
 * The JSON of a lifecycle event (`type`, `sequence_number`, `response`, in
 * that order), as JSON.stringify writes it; undefined for any other event.
 */
export function lifecycleEventJson(
  event: ResponseStreamEvent,
): string | undefined {
  const response = (event as { response?: unknown }).response;
  if (
    typeof response !== 'object' ||
    response === null ||
    !isBuiltResponse(response as ResponseObject) ||
    !isLifecycleShape(event)
  ) {
    return undefined;
  }
  return `{"type":${JSON.stringify(event.type)},"sequence_number":${JSON.stringify(event.sequence_number)},"response":${responseJson(response as ResponseObject)}}`;
}

/** A Response the machine built: its echo is known, or it was written (final) already. */
function isBuiltResponse(response: ResponseObject): boolean {
  return (
    echoOf.has(response) ||
    recentResponses.some((entry) => entry.response === response)
  );
}

function isLifecycleShape(event: ResponseStreamEvent): boolean {
  const keys = Object.keys(event);
  return (
    keys.length === 3 &&
    keys[0] === 'type' &&
    keys[1] === 'sequence_number' &&
    keys[2] === 'response' &&
    typeof event.type === 'string' &&
    typeof event.sequence_number === 'number'
  );
}

function settingsOf(echo: ResponseEcho): string {
  let text = settingsText.get(echo);
  if (text === undefined) {
    text = withoutBackground(echo);
    settingsText.set(echo, text);
  }
  return text;
}

/**
 * The echo's JSON less `background` and the braces. The echo starts with
 * `background` (responseEcho): its JSON is cut, where copying the echo
 * without that key cost more than writing it.
 */
function withoutBackground(echo: ResponseEcho): string {
  const whole = jsonText(echo);
  const head = `{"background":${JSON.stringify(echo.background)},`;
  if (whole.startsWith(head)) {
    return whole.slice(head.length, -1);
  }
  const { background: _background, ...settings } = echo;
  return JSON.stringify(settings).slice(1, -1);
}

/** The fields responseJson writes before the settings, in buildResponse's order. */
const HEAD_KEYS = [
  'id',
  'object',
  'created_at',
  'status',
  'background',
  'completed_at',
  'error',
  'incomplete_details',
];
/** The keys of a Response built from an echo, in order. */
const responseKeys = new ObjectSlot<ResponseEcho, readonly string[]>(
  'response keys',
);

function keysOf(echo: ResponseEcho): readonly string[] {
  let keys = responseKeys.get(echo);
  if (keys === undefined) {
    const settings = Object.keys(echo).filter((key) => key !== 'background');
    keys = [...HEAD_KEYS, ...settings, 'output', 'usage'];
    responseKeys.set(echo, keys);
  }
  return keys;
}

/**
 * `response` still has exactly the keys of a Response built from `echo`,
 * in their order (none added, removed or moved), and every echoed setting
 * is still the echo's own value.
 */
function sharesSettings(response: ResponseObject, echo: ResponseEcho): boolean {
  const keys = Object.keys(response);
  const expected = keysOf(echo);
  if (keys.length !== expected.length) {
    return false;
  }
  for (let at = 0; at < keys.length; at++) {
    if (keys[at] !== expected[at]) {
      return false;
    }
  }
  for (const key of Object.keys(echo) as (keyof ResponseEcho)[]) {
    if (key !== 'background' && response[key] !== echo[key]) {
      return false;
    }
  }
  return true;
}
