import { createServer } from 'node:net';
import { expect } from 'vitest';

// Shared expectations of the error specs: the exact OpenAI error shape,
// SSE bodies as their data payloads, and a port nothing listens on.

/** Checks the exact OpenAI error shape and returns its `error` object. */
export async function expectOpenAiError(
  response: Response,
  status: number,
  expected: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/json');
  const body = (await response.json()) as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual([
    'code',
    'message',
    'param',
    'type',
  ]);
  expect(typeof body.error.message).toBe('string');
  expect(body.error).toMatchObject(expected);
  return body.error;
}

/** The `data:` payloads of a finished SSE body. */
export async function sseData(response: Response): Promise<string[]> {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const text = await response.text();
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((frame) => frame.replace(/^data: /, ''));
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
