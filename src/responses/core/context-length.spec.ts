import { describe, expect, it } from 'vitest';
import {
  GatewayException,
  toOpenAiError,
} from '../../common/errors/gateway.exception.js';
import { upstreamStatusException } from '../../llm-client/upstream-errors.js';
import { asContextLengthError } from './context-length.js';

describe(asContextLengthError.name, () => {
  it.each([
    "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.",
    'the request exceeds the available context size, try increasing it',
    'prompt is too long: 210000 tokens > 200000 maximum',
  ])('maps an upstream 400 saying %j to context_length_exceeded', (message) => {
    const sut = asContextLengthError(
      upstreamStatusException(400, JSON.stringify({ error: { message } }), 'u'),
    );
    expect(sut).toBeInstanceOf(GatewayException);
    expect(toOpenAiError(sut as GatewayException)).toEqual({
      status: 400,
      body: {
        error: {
          message,
          type: 'invalid_request_error',
          param: 'input',
          code: 'context_length_exceeded',
        },
      },
    });
  });

  it('maps an upstream error coded context_length_exceeded whatever its text', () => {
    const sut = asContextLengthError(
      upstreamStatusException(
        400,
        JSON.stringify({
          error: { message: 'too big', code: 'context_length_exceeded' },
        }),
        'u',
      ),
    ) as GatewayException;
    expect(sut.options.openAiCode).toBe('context_length_exceeded');
  });

  it('leaves other errors alone', () => {
    const others = [
      upstreamStatusException(400, '{"error":{"message":"bad tool"}}', 'u'),
      upstreamStatusException(500, 'context length blew up', 'u'),
      new GatewayException('invalid_request', 'context length'),
      new Error('x'),
    ];
    for (const error of others) {
      expect(asContextLengthError(error)).toBe(error);
    }
  });
});
