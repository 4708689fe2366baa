import { describe, expect, it } from 'vitest';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import { upstreamStatusException } from '../../llm-client/upstream-errors.js';
import {
  errorEvent,
  parseCreateEvent,
  responsesWebSocketFormat,
} from './websocket-frames.js';

describe(parseCreateEvent.name, () => {
  it('returns the create body as a streaming request, without the HTTP streaming fields', () => {
    const sut = parseCreateEvent(
      JSON.stringify({
        type: 'response.create',
        model: 'm',
        input: 'hi',
        stream: false,
        stream_options: { include_obfuscation: false },
        extra_field: 1,
      }),
    );
    expect(sut).toEqual({
      model: 'm',
      input: 'hi',
      stream: true,
      extra_field: 1,
    });
  });

  it.each([
    ['not json', 'invalid_json', null],
    ['[1]', 'invalid_request', null],
    ['{"type":"response.cancel","model":"m"}', 'invalid_request', 'type'],
    ['{"type":"response.create","input":"x"}', 'invalid_request', 'model'],
  ])('refuses %s', (text, code, param) => {
    expect(() => parseCreateEvent(text)).toThrow(
      expect.objectContaining({ code, param }),
    );
  });
});

describe(errorEvent.name, () => {
  it('renders the WebSocket error event with a string code', () => {
    expect(
      errorEvent(new GatewayException('not_found', 'gone', { param: 'p' }), 7),
    ).toEqual({
      type: 'error',
      sequence_number: 7,
      status: 404,
      error: {
        type: 'invalid_request_error',
        code: 'not_found',
        message: 'gone',
        param: 'p',
      },
    });
  });

  it('maps a context-length upstream error to 400 context_length_exceeded', () => {
    const sut = errorEvent(
      upstreamStatusException(
        400,
        '{"error":{"message":"maximum context length is 8192 tokens"}}',
        'u',
      ),
      0,
    );
    expect(sut).toMatchObject({
      status: 400,
      error: { code: 'context_length_exceeded', param: 'input' },
    });
  });
});

describe(responsesWebSocketFormat.name, () => {
  it('numbers a closing error after the last event sent', () => {
    const sequence = { next: 0 };
    const sut = responsesWebSocketFormat(sequence);
    expect(
      JSON.parse(sut.frame({ type: 'response.created', sequence_number: 0 })),
    ).toEqual({ type: 'response.created', sequence_number: 0 });
    sut.frame({ type: 'response.in_progress', sequence_number: 1 });
    const error = JSON.parse(
      sut.errorFrame(new GatewayException('internal', 'x')),
    ) as { sequence_number: number };
    expect(error.sequence_number).toBe(2);
  });
});
