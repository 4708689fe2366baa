import type { Readable } from 'node:stream';
import { request } from 'undici';
import {
  validateChatCompletion,
  validateChatCompletionChunk,
  validateErrorBody,
  validateResponse,
  validateStreamEvent,
} from '../../support/openapi-schemas.js';

/** One complete answer of the gateway. */
export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** What the gateway endpoint under test returns on success. */
export type Endpoint = 'responses' | 'chat';

/** Longest a hostile request may take before it counts as a hang. */
export const CLIENT_TIMEOUT_MS = 15_000;

/**
 * Sends one request exactly as given (no content-type is added) and reads
 * the whole answer. Rejects with "hang" when no complete answer arrives
 * within `timeoutMs`.
 */
export async function send(
  baseUrl: string,
  path: string,
  body: string | Uint8Array | Readable | undefined,
  headers: Record<string, string> = { 'content-type': 'application/json' },
  timeoutMs = CLIENT_TIMEOUT_MS,
): Promise<Answer> {
  try {
    const response = await request(`${baseUrl}${path}`, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return {
      status: response.statusCode,
      contentType: String(response.headers['content-type'] ?? ''),
      text: await response.body.text(),
    };
  } catch (error) {
    const name = (error as { name?: unknown }).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new Error(`hang: no complete answer within ${timeoutMs} ms`, {
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Everything wrong with an answer to a hostile request, `[]` when it is a
 * 4xx with an OpenAI error body or a valid success (schema-checked JSON, or
 * a stream that validates event by event and ends properly).
 */
export function problemsOf(answer: Answer, endpoint: Endpoint): string[] {
  const { status, contentType, text } = answer;
  const head = `HTTP ${status} ${text.slice(0, 300)}`;
  if (status >= 400 && status < 500) {
    if (!contentType.includes('application/json')) {
      return [`${head}: error without a JSON content-type (${contentType})`];
    }
    return validateErrorBody(parse(text)).map((e) => `${head}: ${e}`);
  }
  if (status !== 200) {
    return [`${head}: neither a 4xx nor a 200`];
  }
  if (contentType.includes('text/event-stream')) {
    return endpoint === 'responses'
      ? responsesStreamProblems(text)
      : chatStreamProblems(text);
  }
  const body = parse(text);
  const errors =
    endpoint === 'responses'
      ? validateResponse(body)
      : validateChatCompletion(body);
  return errors.slice(0, 5).map((e) => `${head}: ${e}`);
}

/**
 * The events of a Responses stream: its `data:` payloads without the
 * `data: [DONE]` trailer the gateway writes after the terminal event (as
 * Open Responses does; OpenAI's own stream has none).
 */
export function responsesDataOf(text: string): string[] {
  const data = sseDataOf(text);
  return data.at(-1) === '[DONE]' ? data.slice(0, -1) : data;
}

/** The `data:` payloads of an SSE body, in order. */
export function sseDataOf(text: string): string[] {
  return text
    .split('\n\n')
    .filter((frame) => frame.trim() !== '')
    .map((frame) =>
      frame
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice('data: '.length))
        .join('\n'),
    );
}

const TERMINAL = new Set([
  'response.completed',
  'response.incomplete',
  'response.failed',
]);

function responsesStreamProblems(text: string): string[] {
  const events = responsesDataOf(text).map(parse) as { type?: string }[];
  const problems = events
    .flatMap((event, index) =>
      validateStreamEvent(event).map((e) => `event #${index}: ${e}`),
    )
    .slice(0, 5);
  const last = events.at(-1)?.type;
  if (last !== 'response.completed') {
    problems.push(`stream ended with ${last ?? 'nothing'}`);
  }
  if (events.filter((e) => TERMINAL.has(e.type ?? '')).length !== 1) {
    problems.push('not exactly one terminal event');
  }
  return problems;
}

function chatStreamProblems(text: string): string[] {
  const data = sseDataOf(text);
  if (data.at(-1) !== '[DONE]') {
    return [`chat stream ended with ${data.at(-1) ?? 'nothing'}`];
  }
  return data
    .slice(0, -1)
    .flatMap((chunk, index) =>
      validateChatCompletionChunk(parse(chunk)).map(
        (e) => `chunk #${index}: ${e}`,
      ),
    )
    .slice(0, 5);
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { unparsable: text.slice(0, 200) };
  }
}
