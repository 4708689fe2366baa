import Anthropic from '@anthropic-ai/sdk';
import { expect } from 'vitest';
import type { RunningGateway } from './gateway-harness.js';
import { decodedToolUseId } from './messages-http.js';

export type StreamEvent = Anthropic.RawMessageStreamEvent;
type MessageParams = Anthropic.MessageCreateParamsNonStreaming;

/** The official Anthropic client on the gateway (or `/{upstream}` of it), without retries. */
export function anthropicClient(
  gateway: RunningGateway,
  options: { path?: string; apiKey?: string } = {},
): Anthropic {
  return new Anthropic({
    apiKey: options.apiKey ?? 'sk-test',
    baseURL: `${gateway.url}${options.path ?? ''}`,
    maxRetries: 0,
  });
}

/**
 * `messages.stream(params)`: every event as the SDK parsed it (cloned when
 * it came: the SDK goes on mutating message_start's message as its
 * snapshot) and its final message.
 */
export async function streamMessage(
  client: Anthropic,
  params: MessageParams,
): Promise<{ events: StreamEvent[]; message: Anthropic.Message }> {
  const events: StreamEvent[] = [];
  const stream = client.messages.stream(params);
  stream.on('streamEvent', (event) => events.push(structuredClone(event)));
  const message = await stream.finalMessage();
  return { events, message };
}

/** `event:` and `data:` of each frame of a whole SSE body. */
export async function sseFrames(
  response: Response,
): Promise<{ event: string | undefined; data: string }[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((frame) => frame.trim() !== '')
    .map((frame) => {
      const lines = frame.split('\n');
      const event = lines.find((line) => line.startsWith('event: '));
      const data = lines
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice('data: '.length))
        .join('\n');
      return { event: event?.slice('event: '.length), data };
    });
}

/**
 * Matches a `tool_use` id the gateway gives an upstream call id (the
 * documented scheme): of the issued shape and carrying `upstreamId`. A
 * matcher, not the id, since every id ends in a random part.
 */
export function toolUseIdOf(upstreamId: string): string {
  return expect.toSatisfy(
    (id: unknown) => decodedToolUseId(id) === upstreamId,
    `a tool_use id carrying ${JSON.stringify(upstreamId)}`,
  );
}

/** Anthropic's error type for each status the specs see. */
export const ERROR_TYPE_OF_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  503: 'overloaded_error',
  504: 'api_error',
};

/** Checks the exact Anthropic error body of an HTTP answer; returns its message. */
export async function expectAnthropicErrorBody(
  response: Response,
  status: number,
): Promise<string> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/json');
  const body = (await response.json()) as Record<string, unknown>;
  expectAnthropicError(body, ERROR_TYPE_OF_STATUS[status]!);
  return (body['error'] as { message: string }).message;
}

/** `{type:'error', error:{type, message}}` and nothing else at the top. */
export function expectAnthropicError(body: unknown, type: string): void {
  expect(body).toMatchObject({
    type: 'error',
    error: { type, message: expect.any(String) },
  });
  expect(Object.keys(body as object).sort()).toEqual(['error', 'type']);
}

/**
 * The content a non-streamed and a streamed answer must share: all but the
 * id, and but `parsed_output`, which the SDK's stream helper adds itself.
 */
export function comparable(message: Anthropic.Message): unknown {
  const { id: _id, ...rest } = message as Anthropic.Message & {
    parsed_output?: unknown;
  };
  delete rest.parsed_output;
  return JSON.parse(JSON.stringify(rest));
}
