import Anthropic, { type APIError } from '@anthropic-ai/sdk';
import { expect } from 'vitest';
import { completion, textStream } from './chat-chunks.js';
import type { FakeReply, RecordedRequest } from './fake-upstream.js';

// The Messages API seen from outside: the official client, raw POSTs, SSE
// frames read as bytes, and Anthropic's error shape checked exactly.

/** How a client presents its key: Anthropic's `x-api-key` or a Bearer token. */
export type MessagesCredential = { apiKey: string } | { authToken: string };

/** The official client on the gateway, without retries. */
export function messagesClient(
  gatewayUrl: string,
  credential: MessagesCredential = { apiKey: 'sk-test' },
  baseSuffix = '',
): Anthropic {
  return new Anthropic({
    baseURL: `${gatewayUrl}${baseSuffix}`,
    maxRetries: 0,
    ...credential,
  });
}

/** A small Messages request for `model`. */
export function messagesBody(
  text: string,
  extra: Record<string, unknown> = {},
): Anthropic.MessageCreateParamsNonStreaming {
  return {
    model: 'fake-model',
    max_tokens: 256,
    messages: [{ role: 'user', content: text }],
    ...extra,
  };
}

/** A raw `POST /v1/messages` (or `path`) with a JSON (or raw string) body. */
export function postMessages(
  gatewayUrl: string,
  body: unknown,
  headers: Record<string, string> = {},
  path = '/v1/messages',
): Promise<Response> {
  return fetch(`${gatewayUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** One SSE frame: its `event:` name and its parsed `data:`. */
export interface SseFrame {
  event: string | undefined;
  data: Record<string, unknown>;
}

/** The frames of an SSE body; comment-only frames (`: …`) are left out. */
export function sseFrames(text: string): SseFrame[] {
  const frames: SseFrame[] = [];
  for (const block of text.split('\n\n')) {
    const lines = block.split('\n').filter((line) => !line.startsWith(':'));
    const event = lines
      .find((line) => line.startsWith('event:'))
      ?.slice('event:'.length)
      .trim();
    const data = lines
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice('data:'.length).trimStart())
      .join('\n');
    if (data !== '') {
      frames.push({ event, data: JSON.parse(data) as Record<string, unknown> });
    }
  }
  return frames;
}

/**
 * Checks that `response` is exactly Anthropic's error,
 * `{"type":"error","error":{"type","message"}}` with `status`, and returns
 * its message.
 */
export async function expectAnthropicError(
  response: Response,
  status: number,
  type: string,
): Promise<string> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/json');
  const body = (await response.json()) as {
    type: unknown;
    error: Record<string, unknown>;
  };
  expect(Object.keys(body).sort()).toEqual(['error', 'type']);
  expect(body.type).toBe('error');
  expect(Object.keys(body.error).sort()).toEqual(['message', 'type']);
  expect(body.error['type']).toBe(type);
  expect(typeof body.error['message']).toBe('string');
  return body.error['message'] as string;
}

/**
 * The error a call rejected with, checked to be the SDK's `errorClass`
 * with `status` and Anthropic's error `type` in its body.
 */
export async function expectSdkError<E extends APIError>(
  call: Promise<unknown>,
  errorClass: abstract new (...args: never[]) => E,
  status: number,
  type: string,
): Promise<E> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(errorClass);
  const apiError = error as E;
  expect(apiError.status).toBe(status);
  expect(apiError.type).toBe(type);
  expect(apiError.error).toEqual({
    type: 'error',
    error: { type, message: expect.any(String) },
  });
  return apiError;
}

/** The text of a message's text blocks, joined. */
export function textOf(message: Anthropic.Message): string {
  return message.content
    .flatMap((block) => (block.type === 'text' ? [block.text] : []))
    .join('');
}

/** A message's tool_use blocks. */
export function toolUsesOf(
  message: Anthropic.Message,
): Anthropic.ToolUseBlock[] {
  return message.content.flatMap((block) =>
    block.type === 'tool_use' ? [block] : [],
  );
}

/**
 * A `tool_use` id as the gateway issues it (the documented scheme): `toolu_`,
 * the upstream id in base64url, `_` and 8 random base62 characters.
 */
export const ISSUED_TOOL_USE_ID = /^toolu_([A-Za-z0-9_-]*)_[A-Za-z0-9]{8}$/;

/** The upstream id an issued `tool_use` id carries, or undefined when it is not of that shape. */
export function decodedToolUseId(toolUseId: unknown): string | undefined {
  const encoded =
    typeof toolUseId === 'string'
      ? ISSUED_TOOL_USE_ID.exec(toolUseId)?.[1]
      : undefined;
  return encoded === undefined
    ? undefined
    : Buffer.from(encoded, 'base64url').toString('utf8');
}

/** The upstream id an issued `tool_use` id carries; fails the test when it is not one. */
export function upstreamIdOf(toolUseId: string): string {
  expect(toolUseId).toMatch(ISSUED_TOOL_USE_ID);
  return decodedToolUseId(toolUseId)!;
}

/**
 * A FakeUpstream handler answering every chat request with `text`: streamed
 * in 5-character pieces when the request streams, else as one completion.
 */
export function answerText(
  text: string,
): (request: RecordedRequest) => FakeReply {
  return (request) =>
    request.body?.stream
      ? {
          kind: 'stream',
          chunks: textStream(text.match(/[\s\S]{1,5}/gu) ?? []),
        }
      : { kind: 'json', body: completion({ content: text }) };
}
