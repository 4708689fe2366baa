import { request } from 'undici';
import { dig } from '../../support/json-dig.js';
import {
  validateChatCompletion,
  validateChatCompletionChunk,
  validateErrorBody,
  validateResponse,
  validateStreamEvent,
} from '../../support/openapi-schemas.js';
import { responsesDataOf, sseDataOf, type Endpoint } from './answers.js';

/** How one request ended, as seen by the client, and how long it took. */
export interface Outcome {
  /**
   * `HTTP <status> <error.code>` for an error before the first byte,
   * `response.failed <code>` or `error <code>` for a stream that failed
   * after it, `completed` for a success.
   */
  summary: string;
  /** Schema problems of the error body, events or answer; `[]` when valid. */
  problems: string[];
  elapsedMs: number;
}

/**
 * Sends a valid request for `endpoint` and classifies how it ended. Rejects
 * when no complete answer arrives within `timeoutMs` (a hang).
 */
export async function observe(
  baseUrl: string,
  endpoint: Endpoint,
  stream: boolean,
  timeoutMs = 20_000,
): Promise<Outcome> {
  const body =
    endpoint === 'responses'
      ? { model: 'fake-model', input: 'hi', stream }
      : {
          model: 'fake-model',
          messages: [{ role: 'user', content: 'hi' }],
          stream,
        };
  const started = performance.now();
  const response = await request(
    `${baseUrl}${endpoint === 'responses' ? '/v1/responses' : '/v1/chat/completions'}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    },
  );
  const text = await response.body.text();
  const elapsedMs = Math.round(performance.now() - started);
  const contentType = String(response.headers['content-type'] ?? '');
  if (response.statusCode !== 200) {
    const parsed = parse(text);
    return {
      summary: `HTTP ${response.statusCode} ${String(dig(parsed, 'error', 'code'))}`,
      problems: validateErrorBody(parsed),
      elapsedMs,
    };
  }
  if (!contentType.includes('text/event-stream')) {
    const parsed = parse(text);
    return {
      summary: 'completed',
      problems:
        endpoint === 'responses'
          ? validateResponse(parsed)
          : validateChatCompletion(parsed),
      elapsedMs,
    };
  }
  return endpoint === 'responses'
    ? { ...responsesStream(responsesDataOf(text)), elapsedMs }
    : { ...chatStream(sseDataOf(text)), elapsedMs };
}

function responsesStream(data: string[]): Omit<Outcome, 'elapsedMs'> {
  const events = data.map(parse);
  const problems = events.flatMap((event) => validateStreamEvent(event));
  const terminal = events.filter((event) =>
    /^response\.(completed|failed|incomplete)$/.test(
      String(dig(event, 'type')),
    ),
  );
  if (terminal.length !== 1 || terminal[0] !== events.at(-1)) {
    problems.push(`${terminal.length} terminal events, not one at the end`);
  }
  const last = events.at(-1);
  const type = String(dig(last, 'type'));
  const summary =
    type === 'response.completed'
      ? 'completed'
      : type === 'response.failed'
        ? `response.failed ${String(dig(last, 'response', 'error', 'code'))}`
        : type;
  return { summary, problems };
}

function chatStream(data: string[]): Omit<Outcome, 'elapsedMs'> {
  const last = data.at(-1);
  if (last === '[DONE]') {
    return {
      summary: 'completed',
      problems: data
        .slice(0, -1)
        .flatMap((chunk) => validateChatCompletionChunk(parse(chunk))),
    };
  }
  const parsed = parse(last ?? '');
  const errors = data.filter((d) => d.startsWith('{"error"'));
  return {
    summary: `error ${String(dig(parsed, 'error', 'code'))}`,
    problems: [
      ...validateErrorBody(parsed),
      ...(errors.length === 1 ? [] : [`${errors.length} error frames`]),
      ...(data.includes('[DONE]') ? ['[DONE] after an error'] : []),
    ],
  };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { unparsable: text.slice(0, 200) };
  }
}
