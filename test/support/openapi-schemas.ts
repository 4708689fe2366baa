/**
 * Validates what the gateway sends against the real OpenAPI documents in
 * `test/fixtures/spec/` (see openapi-documents.ts), so tests never retype a
 * schema by hand.
 *
 * Every validator returns a list of readable errors (`[]` means valid), each
 * `"<instancePath> <message>"`, prefixed with `"<event type>: "` for events.
 * The `expectValid*` helpers fail the test with the first of them.
 */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { assert } from 'vitest';
import { dig } from './json-dig.js';
import { ajv, openAi, openResponses, validator } from './openapi-documents.js';
import { formatErrors } from './openapi-errors.js';

/** How many errors the `expectValid*` helpers print before "… and N more". */
const SHOWN_ERRORS = 8;

function run(validate: ValidateFunction, data: unknown, prefix = ''): string[] {
  return validate(data) ? [] : formatErrors(validate.errors ?? [], prefix);
}

function eventType(event: unknown): string | undefined {
  const type = dig(event, 'type');
  return typeof type === 'string' ? type : undefined;
}

// The live API sends `{"type":"keepalive","sequence_number":N}`, but no
// version of the OpenAI spec lists it (responses-api.md §1); accept exactly
// that shape.
const KEEPALIVE_SCHEMA = {
  type: 'object',
  properties: {
    type: { const: 'keepalive' },
    sequence_number: { type: 'integer' },
  },
  required: ['type', 'sequence_number'],
  additionalProperties: false,
};
let keepaliveValidator: ValidateFunction | undefined;

/** OpenAI `Response` (the non-streaming body and `response.*` payloads). */
export function validateResponse(obj: unknown): string[] {
  return run(validator(openAi(), 'Response'), obj);
}

/**
 * One OpenAI `ResponseStreamEvent`, checked against the union member whose
 * `type` matches (so errors name that member's fields, not all 58 members).
 * `keepalive` is accepted as `{type, sequence_number}` though the spec lacks it.
 */
export function validateStreamEvent(event: unknown): string[] {
  const type = eventType(event);
  if (type === undefined) {
    return ['/ event has no string `type`'];
  }
  if (type === 'keepalive') {
    keepaliveValidator ??= ajv().compile(KEEPALIVE_SCHEMA);
    return run(keepaliveValidator, event, `${type}: `);
  }
  const name = openAi().events.get(type);
  if (name === undefined) {
    return [`${type}: / unknown event type (not in ResponseStreamEvent)`];
  }
  return run(validator(openAi(), name), event, `${type}: `);
}

/** Open Responses `ResponseResource`. */
export function validateOpenResponsesResource(obj: unknown): string[] {
  return run(validator(openResponses(), 'ResponseResource'), obj);
}

/**
 * One stream event against Open Responses' event schema of the same `type`.
 * `defined: false` (with no errors) when Open Responses has no such event,
 * e.g. `response.mcp_call.completed`: report it, do not fail on it.
 */
export function validateOpenResponsesEvent(event: unknown): {
  errors: string[];
  defined: boolean;
} {
  const type = eventType(event);
  if (type === undefined) {
    return { errors: ['/ event has no string `type`'], defined: true };
  }
  const name = openResponses().events.get(type);
  if (name === undefined) {
    return { errors: [], defined: false };
  }
  const errors = run(validator(openResponses(), name), event, `${type}: `);
  return { errors, defined: true };
}

/** Open Responses check of a whole stream: errors, and event types it skipped. */
export function validateOpenResponsesEvents(events: readonly unknown[]): {
  errors: string[];
  notDefined: string[];
} {
  const errors: string[] = [];
  const notDefined = new Set<string>();
  events.forEach((event, index) => {
    const result = validateOpenResponsesEvent(event);
    errors.push(...result.errors.map((error) => `#${index} ${error}`));
    if (!result.defined) {
      notDefined.add(eventType(event) ?? '?');
    }
  });
  return { errors, notDefined: [...notDefined] };
}

/** OpenAI `CreateChatCompletionResponse`. */
export function validateChatCompletion(obj: unknown): string[] {
  return run(validator(openAi(), 'CreateChatCompletionResponse'), obj);
}

/** OpenAI `CreateChatCompletionStreamResponse` (one SSE chunk). */
export function validateChatCompletionChunk(obj: unknown): string[] {
  return run(validator(openAi(), 'CreateChatCompletionStreamResponse'), obj);
}

/** OpenAI `ErrorResponse`: `{"error":{"message","type","param","code"}}`. */
export function validateErrorBody(obj: unknown): string[] {
  return run(validator(openAi(), 'ErrorResponse'), obj);
}

/** OpenAI `ListModelsResponse` (`GET /v1/models`). */
export function validateModelList(obj: unknown): string[] {
  return run(validator(openAi(), 'ListModelsResponse'), obj);
}

/** OpenAI `ResponseItemList` (`GET /v1/responses/{id}/input_items`). */
export function validateItemList(obj: unknown): string[] {
  return run(validator(openAi(), 'ResponseItemList'), obj);
}

/** Fails the test, listing the first errors, unless `obj` is a valid `Response`. */
export function expectValidResponse(obj: unknown): void {
  failOnErrors('OpenAI Response', validateResponse(obj));
}

/** Fails the test unless every event is a valid OpenAI `ResponseStreamEvent`. */
export function expectValidStreamEvents(events: readonly unknown[]): void {
  const errors = events.flatMap((event, index) =>
    validateStreamEvent(event).map((error) => `#${index} ${error}`),
  );
  failOnErrors('OpenAI ResponseStreamEvent', errors);
}

/** Fails the test unless `obj` is a valid Open Responses `ResponseResource`. */
export function expectValidOpenResponsesResource(obj: unknown): void {
  failOnErrors(
    'Open Responses ResponseResource',
    validateOpenResponsesResource(obj),
  );
}

/**
 * Fails the test unless every event Open Responses defines is valid there.
 * Returns the event types it does not define, which were skipped.
 */
export function expectValidOpenResponsesEvents(
  events: readonly unknown[],
): string[] {
  const { errors, notDefined } = validateOpenResponsesEvents(events);
  failOnErrors('Open Responses streaming event', errors);
  return notDefined;
}

function failOnErrors(what: string, errors: string[]): void {
  if (errors.length === 0) {
    return;
  }
  const shown = errors.slice(0, SHOWN_ERRORS).map((error) => `  ${error}`);
  if (errors.length > SHOWN_ERRORS) {
    shown.push(`  … and ${errors.length - SHOWN_ERRORS} more`);
  }
  assert.fail(`not a valid ${what}:\n${shown.join('\n')}`);
}
