import { dig } from '../../support/json-dig.js';
import {
  validateChatCompletion,
  validateChatCompletionChunk,
  validateErrorBody,
  validateResponse,
  validateStreamEvent,
} from '../../support/openapi-schemas.js';
import { sseDataOf, type Answer, type Endpoint } from './answers.js';

/**
 * How an answer ended, in the words the throw-injection spec expects:
 * - `http 5xx`: an error before the first byte, an OpenAI error body;
 * - `response.failed`: a Responses stream whose last event is its one
 *   terminal event, `response.failed`, followed by `data: [DONE]`;
 * - `error event`: a Responses stream cut by the writer's last-resort
 *   `event: error` frame (no terminal event could be written);
 * - `error frame`: a chat stream ending in one `data: {"error":…}`, no [DONE];
 * - `failed json`: a non-streamed Response whose status is `failed`;
 * - `completed`: a success that validates against the spec.
 */
export type Ending =
  | 'http 5xx'
  | 'response.failed'
  | 'error event'
  | 'error frame'
  | 'failed json'
  | 'completed'
  | `unexpected: ${string}`;

/** An answer's ending, and everything wrong with its shape ([] when none). */
export interface Classified {
  ending: Ending;
  problems: string[];
  /** The parsed JSON body or the parsed stream events/chunks. */
  body: unknown;
}

const TERMINAL = /^response\.(completed|incomplete|failed)$/;

export function classify(answer: Answer, endpoint: Endpoint): Classified {
  if (answer.status !== 200) {
    const body = parse(answer.text);
    return {
      ending:
        answer.status >= 500 ? 'http 5xx' : `unexpected: HTTP ${answer.status}`,
      problems: [
        ...validateErrorBody(body),
        ...(answer.contentType.includes('application/json')
          ? []
          : [`error content-type ${answer.contentType}`]),
      ],
      body,
    };
  }
  if (!answer.contentType.includes('text/event-stream')) {
    return jsonAnswer(parse(answer.text), endpoint);
  }
  const data = sseDataOf(answer.text);
  return endpoint === 'responses' ? responsesStream(data) : chatStream(data);
}

function jsonAnswer(body: unknown, endpoint: Endpoint): Classified {
  if (endpoint === 'chat') {
    return {
      ending: 'completed',
      problems: validateChatCompletion(body),
      body,
    };
  }
  const status = String(dig(body, 'status'));
  return {
    ending:
      status === 'completed'
        ? 'completed'
        : status === 'failed'
          ? 'failed json'
          : `unexpected: status ${status}`,
    problems: validateResponse(body),
    body,
  };
}

function responsesStream(data: string[]): Classified {
  const done = data.at(-1) === '[DONE]';
  const events = (done ? data.slice(0, -1) : data).map(parse);
  const problems = events.flatMap((event) => validateStreamEvent(event));
  const types = events.map((event) => String(dig(event, 'type')));
  const last = types.at(-1) ?? 'nothing';
  const terminals = types.filter((type) => TERMINAL.test(type)).length;
  if (last === 'error') {
    // The writer's last resort: no terminal event, no [DONE].
    if (terminals !== 0 || done) {
      problems.push(
        `error event after ${terminals} terminal events, done=${done}`,
      );
    }
    return { ending: 'error event', problems, body: events };
  }
  if (terminals !== 1 || !TERMINAL.test(last) || !done) {
    problems.push(`${terminals} terminal events, last ${last}, [DONE] ${done}`);
  }
  const ending: Ending =
    last === 'response.completed'
      ? 'completed'
      : last === 'response.failed'
        ? 'response.failed'
        : `unexpected: ${last}`;
  return { ending, problems, body: events };
}

function chatStream(data: string[]): Classified {
  if (data.at(-1) === '[DONE]') {
    const chunks = data.slice(0, -1).map(parse);
    return {
      ending: 'completed',
      problems: chunks.flatMap((chunk) => validateChatCompletionChunk(chunk)),
      body: chunks,
    };
  }
  const last = parse(data.at(-1) ?? '');
  const errors = data.filter((d) => d.startsWith('{"error"')).length;
  return {
    ending:
      dig(last, 'error') === undefined ? 'unexpected: cut' : 'error frame',
    problems: [
      ...validateErrorBody(last),
      ...(errors === 1 ? [] : [`${errors} error frames`]),
      ...(data.includes('[DONE]') ? ['[DONE] before the error'] : []),
    ],
    body: data.map(parse),
  };
}

/** The answer's text: the message content of a completion, or of a Response's message items. */
export function answerText(outcome: Classified, endpoint: Endpoint): string {
  const { body } = outcome;
  if (endpoint === 'chat') {
    return Array.isArray(body)
      ? body
          .map((chunk) => text(pick(chunk, 'choices', 0, 'delta', 'content')))
          .join('')
      : text(pick(body, 'choices', 0, 'message', 'content'));
  }
  const response = Array.isArray(body) ? dig(body.at(-1), 'response') : body;
  const output = (dig(response, 'output') ?? []) as unknown[];
  return output
    .flatMap((item) => (dig(item, 'content') ?? []) as unknown[])
    .map((part) => text(dig(part, 'text')))
    .join('');
}

const text = (value: unknown): string =>
  typeof value === 'string' ? value : '';

/** `value[k1][k2]…` through objects and arrays; undefined once a step is missing. */
function pick(value: unknown, ...keys: (string | number)[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null) {
      return undefined;
    }
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { unparsable: text.slice(0, 200) };
  }
}
