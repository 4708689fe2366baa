import { describe, expect, it } from 'vitest';
import { toOpenAiError } from '../../common/errors/gateway.exception.js';
import { decodeErrorBody, upstreamErrorException } from './error-decoder.js';

/** The client's view of an upstream error body sent with `status`. */
const asClientSees = (body: unknown, status: number | undefined) =>
  toOpenAiError(
    upstreamErrorException(decodeErrorBody(body), 'fallback', status),
  );

describe('upstream error bodies (backend-dialects.md)', () => {
  it.each([
    [
      'vLLM (numeric code)',
      {
        error: {
          message: 'no such model',
          type: 'NotFoundError',
          param: null,
          code: 404,
        },
      },
      404,
    ],
    [
      'older vLLM and SGLang (flat)',
      {
        object: 'error',
        message: 'no such model',
        type: 'NotFoundError',
        param: null,
        code: 404,
      },
      404,
    ],
    [
      'Ollama (code null)',
      {
        error: {
          message: 'no such model',
          type: 'api_error',
          param: null,
          code: null,
        },
      },
      404,
    ],
    ['LM Studio (a plain string)', { error: 'no such model' }, 404],
  ])('%s keeps its status and becomes OpenAI-shaped', (_name, body, status) => {
    const { status: sent, body: out } = asClientSees(body, status);
    expect(sent).toBe(status);
    expect(out.error.message).toBe('no such model');
    expect(typeof out.error.type).toBe('string');
    expect(out.error.param).toBeNull();
    expect(out.error.code === null || typeof out.error.code === 'string').toBe(
      true,
    );
  });

  it.each([
    [
      'OpenAI',
      {
        error: {
          message: 'too long',
          type: 'invalid_request_error',
          param: 'messages',
          code: 'context_length_exceeded',
        },
      },
      400,
    ],
    [
      'vLLM',
      {
        error: {
          message:
            "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.",
          type: 'BadRequestError',
          param: null,
          code: 400,
        },
      },
      400,
    ],
    [
      'older vLLM (flat, trailing None)',
      {
        object: 'error',
        message: "This model's maximum context length is 4096 tokens. None",
        type: 'BadRequestError',
        param: null,
        code: 400,
      },
      400,
    ],
    [
      'llama.cpp',
      {
        error: {
          code: 400,
          message:
            'the request exceeds the available context size, try increasing it',
          type: 'exceed_context_size_error',
          n_prompt_tokens: 5000,
          n_ctx: 4096,
        },
      },
      400,
    ],
    [
      'LM Studio, in the stream',
      {
        error: { message: 'Input does not fit in context length of 4096' },
        message: 'Input does not fit',
      },
      undefined,
    ],
  ])(
    '%s context overflow becomes 400 context_length_exceeded',
    (_name, body, status) => {
      const { status: sent, body: out } = asClientSees(body, status);
      expect(sent).toBe(400);
      expect(out.error).toMatchObject({
        type: 'invalid_request_error',
        code: 'context_length_exceeded',
        param: 'messages',
      });
    },
  );

  it('takes the status of an in-stream error from its numeric code', () => {
    expect(
      asClientSees({ error: { message: 'overloaded', code: 503 } }, undefined)
        .status,
    ).toBe(503);
    expect(asClientSees({ error: { message: 'odd' } }, undefined).status).toBe(
      502,
    );
  });

  it('does not call a rate limit about tokens a context overflow', () => {
    const { status, body } = asClientSees(
      { error: { message: 'too many tokens per minute' } },
      429,
    );
    expect(status).toBe(429);
    expect(body.error.code).not.toBe('context_length_exceeded');
  });

  it('is undefined for a body in no known shape', () => {
    expect(decodeErrorBody({ detail: 'x' })).toBeUndefined();
    expect(decodeErrorBody('text')).toBeUndefined();
  });
});
