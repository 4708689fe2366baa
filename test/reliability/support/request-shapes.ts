import { send, type Answer, type Endpoint } from './answers.js';
import { classify, type Classified } from './failure-shapes.js';

/**
 * A request as the throw-injection spec names it: endpoint, streamed or
 * not, and whether it declares a function tool (which turns the text
 * tool-call parser on, on both endpoints).
 */
export type Shape = `${Endpoint} ${'stream' | 'json'}${'' | ' tools'}`;

/** The four plain requests a healthy gateway answers in full. */
export const PLAIN_SHAPES: readonly Shape[] = [
  'responses stream',
  'responses json',
  'chat stream',
  'chat json',
];

const PARAMETERS = { type: 'object', properties: { city: { type: 'string' } } };

export function endpointOf(shape: Shape): Endpoint {
  return shape.startsWith('responses') ? 'responses' : 'chat';
}

/** The path and body of a request of `shape`, saying "hi". */
export function requestOf(shape: Shape): {
  path: string;
  body: Record<string, unknown>;
} {
  const stream = shape.includes(' stream');
  const tools = shape.endsWith(' tools');
  if (endpointOf(shape) === 'responses') {
    const tool = {
      type: 'function',
      name: 'get_weather',
      parameters: PARAMETERS,
    };
    return {
      path: '/v1/responses',
      body: {
        model: 'fake-model',
        input: 'hi',
        stream,
        ...(tools && { tools: [tool] }),
      },
    };
  }
  const tool = {
    type: 'function',
    function: { name: 'get_weather', parameters: PARAMETERS },
  };
  return {
    path: '/v1/chat/completions',
    body: {
      model: 'fake-model',
      messages: [{ role: 'user', content: 'hi' }],
      stream,
      ...(tools && { tools: [tool] }),
    },
  };
}

/** Sends a request of `shape` on its own connection (10 s bound) and classifies how it ended. */
export async function sendShape(
  baseUrl: string,
  shape: Shape,
): Promise<{ answer: Answer; outcome: Classified }> {
  const { path, body } = requestOf(shape);
  const headers = { 'content-type': 'application/json' };
  const answer = await send(
    baseUrl,
    path,
    JSON.stringify(body),
    headers,
    10_000,
  );
  return { answer, outcome: classify(answer, endpointOf(shape)) };
}
