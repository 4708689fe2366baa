import { request } from 'undici';
import { dig } from './json-dig.js';
import { validateStreamEvent } from './openapi-schemas.js';

/**
 * How a `store: true` request ended, from the client's side: answered as
 * stored (`response.completed`, or a 200 Response), told it was not
 * (an HTTP error, or `response.failed`), or anything else.
 */
export type StoreOutcome =
  | { kind: 'stored'; id: string }
  | { kind: 'told'; status: number; code: unknown; message: string }
  | { kind: 'unexpected'; detail: string };

/** POSTs a Responses request and classifies the answer; stream events must be schema-valid. */
export async function createAndClassify(
  baseUrl: string,
  body: Record<string, unknown>,
): Promise<StoreOutcome> {
  const response = await request(`${baseUrl}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) {
    const error = dig(JSON.parse(text), 'error');
    return {
      kind: 'told',
      status: response.statusCode,
      code: dig(error, 'code'),
      message: String(dig(error, 'message')),
    };
  }
  return body['stream'] === true ? streamOutcome(text) : jsonOutcome(text);
}

function jsonOutcome(text: string): StoreOutcome {
  const body = JSON.parse(text) as unknown;
  return dig(body, 'status') === 'completed'
    ? { kind: 'stored', id: String(dig(body, 'id')) }
    : { kind: 'unexpected', detail: text.slice(0, 500) };
}

function streamOutcome(text: string): StoreOutcome {
  const data = text
    .split('\n\n')
    .filter((frame) => frame.includes('data: '))
    .map((frame) => frame.slice(frame.indexOf('data: ') + 6));
  if (data.at(-1) !== '[DONE]') {
    return { kind: 'unexpected', detail: `no [DONE]: ${text.slice(-500)}` };
  }
  const events = data.slice(0, -1).map((d) => JSON.parse(d) as unknown);
  const problems = events.flatMap((event) => validateStreamEvent(event));
  if (problems.length > 0) {
    return { kind: 'unexpected', detail: problems.join('; ') };
  }
  const last = events.at(-1);
  const response = dig(last, 'response');
  switch (dig(last, 'type')) {
    case 'response.completed':
      return { kind: 'stored', id: String(dig(response, 'id')) };
    case 'response.failed':
      return {
        kind: 'told',
        status: 200,
        code: dig(response, 'error', 'code'),
        message: String(dig(response, 'error', 'message')),
      };
    default:
      return { kind: 'unexpected', detail: JSON.stringify(last) };
  }
}
