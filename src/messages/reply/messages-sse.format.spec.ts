import { Stream } from '@anthropic-ai/sdk/core/streaming';
import { APIError } from '@anthropic-ai/sdk/error';
import { describe, expect, it } from 'vitest';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import { messagesSseFormat } from './messages-sse.format.js';
import { sseOf } from './message-events.test-support.js';

/** What an error frame says, as JSON. */
function errorBody(exception: GatewayException): unknown {
  const frame = messagesSseFormat.errorFrame(exception, undefined);
  expect(frame).toMatch(/^event: error\ndata: .*\n\n$/);
  return JSON.parse(frame.split('\n')[1]!.slice('data: '.length));
}

describe('messagesSseFormat', () => {
  it('writes each event as `event: <type>` and its JSON, with no trailer', () => {
    expect(messagesSseFormat.frame({ type: 'ping' })).toBe(
      'event: ping\ndata: {"type":"ping"}\n\n',
    );
    expect(
      messagesSseFormat.frame({ type: 'content_block_stop', index: 2 }),
    ).toBe(
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":2}\n\n',
    );
    expect(messagesSseFormat.trailer).toBeUndefined();
  });

  it.each([
    [new GatewayException('invalid_request', 'Bad.'), 'invalid_request_error'],
    [new GatewayException('unauthorized', 'Who?'), 'authentication_error'],
    [new GatewayException('forbidden', 'No.'), 'permission_error'],
    [
      new GatewayException('upstream_error', 'Slow down.', { status: 429 }),
      'rate_limit_error',
    ],
    [new GatewayException('service_unavailable', 'Busy.'), 'overloaded_error'],
    [new GatewayException('upstream_timeout', 'Late.'), 'api_error'],
    [new GatewayException('internal', 'Oops.'), 'api_error'],
  ])('writes a failure midway as an error event: %s', (exception, type) => {
    expect(errorBody(exception)).toEqual({
      type: 'error',
      error: { type, message: exception.message },
    });
  });

  it('words a prompt over the context window as Anthropic does', () => {
    const exception = new GatewayException(
      'upstream_error',
      "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.",
      { status: 400, openAiCode: 'context_length_exceeded' },
    );

    expect(errorBody(exception)).toEqual({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: 'prompt is too long: 5000 tokens > 4096 maximum',
      },
    });
  });

  it('is read by the Anthropic SDK: events as they are, the error as an APIError of its type', async () => {
    const body =
      sseOf([{ type: 'ping' }, { type: 'message_stop' }]) +
      messagesSseFormat.errorFrame(
        new GatewayException('upstream_error', 'Slow down.', { status: 429 }),
        undefined,
      );
    const read: unknown[] = [];

    const reading = (async () => {
      const stream = Stream.fromSSEResponse(
        new Response(body),
        new AbortController(),
      );
      for await (const event of stream) {
        read.push(event);
      }
    })();

    await expect(reading).rejects.toBeInstanceOf(APIError);
    await expect(reading).rejects.toMatchObject({ type: 'rate_limit_error' });
    expect(read).toEqual([{ type: 'message_stop' }]);
  });
});
