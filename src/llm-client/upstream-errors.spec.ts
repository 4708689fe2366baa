import { describe, expect, it } from 'vitest';
import {
  GatewayException,
  toOpenAiError,
} from '../common/errors/gateway.exception.js';
import {
  connectFailureCode,
  isAbortError,
  toUpstreamException,
  upstreamCall,
  upstreamStatusException,
} from './upstream-errors.js';

function withCode(code: string, message = 'boom'): Error {
  return Object.assign(new Error(message), { code });
}

describe(isAbortError.name, () => {
  it('recognises the errors an AbortSignal produces', () => {
    const controller = new AbortController();
    controller.abort();
    expect(isAbortError(controller.signal.reason)).toBe(true);
    expect(isAbortError(withCode('UND_ERR_ABORTED'))).toBe(true);
    expect(isAbortError(withCode('ABORT_ERR'))).toBe(true);
    expect(
      isAbortError(Object.assign(new Error('x'), { name: 'AbortError' })),
    ).toBe(true);
  });

  it('rejects everything else', () => {
    expect(isAbortError(withCode('ECONNRESET'))).toBe(false);
    expect(isAbortError(new Error('x'))).toBe(false);
    expect(isAbortError(null)).toBe(false);
    expect(isAbortError('AbortError')).toBe(false);
  });
});

describe(connectFailureCode.name, () => {
  it.each([
    'ECONNREFUSED',
    'UND_ERR_CONNECT_TIMEOUT',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EHOSTUNREACH',
    'ENETUNREACH',
  ])('names %s, a failure before the request left', (code) => {
    expect(connectFailureCode(withCode(code))).toBe(code);
    expect(
      connectFailureCode(
        new TypeError('fetch failed', { cause: withCode(code) }),
      ),
    ).toBe(code);
  });

  it.each(['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'EPIPE'])(
    'ignores %s, which may come after the upstream got the request',
    (code) => {
      expect(connectFailureCode(withCode(code))).toBeUndefined();
    },
  );
});

describe(upstreamCall.name, () => {
  it('maps a transport failure and passes an abort through', async () => {
    await expect(
      upstreamCall({ name: 'u' }, Promise.reject(withCode('ECONNREFUSED'))),
    ).rejects.toMatchObject({ code: 'upstream_unreachable' });
    const abort = withCode('UND_ERR_ABORTED');
    await expect(
      upstreamCall({ name: 'u' }, Promise.reject(abort)),
    ).rejects.toBe(abort);
    await expect(upstreamCall({ name: 'u' }, Promise.resolve(7))).resolves.toBe(
      7,
    );
  });
});

describe(toUpstreamException.name, () => {
  it('maps the TimeoutError of AbortSignal.timeout() to upstream_timeout', () => {
    const timeout = new DOMException(
      'The operation timed out.',
      'TimeoutError',
    );
    expect(toUpstreamException(timeout, 'u').code).toBe('upstream_timeout');
  });

  it.each([
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'ETIMEDOUT',
  ])('maps %s to upstream_timeout (504)', (code) => {
    const sut = toUpstreamException(withCode(code), 'vllm');
    expect(sut.code).toBe('upstream_timeout');
    expect(sut.message).toContain('vllm');
    expect(toOpenAiError(sut).status).toBe(504);
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'UND_ERR_SOCKET'])(
    'maps %s to upstream_unreachable (502)',
    (code) => {
      const sut = toUpstreamException(withCode(code), 'vllm');
      expect(sut.code).toBe('upstream_unreachable');
      expect(toOpenAiError(sut).status).toBe(502);
    },
  );

  it('reads the code from the cause, as fetch-style errors carry it', () => {
    const error = new TypeError('fetch failed', {
      cause: withCode('ECONNREFUSED'),
    });
    expect(toUpstreamException(error, 'u').code).toBe('upstream_unreachable');
    const timeout = new TypeError('fetch failed', {
      cause: withCode('UND_ERR_HEADERS_TIMEOUT'),
    });
    expect(toUpstreamException(timeout, 'u').code).toBe('upstream_timeout');
  });

  it('describes an unknown failure as unreachable, with its message', () => {
    const sut = toUpstreamException(new Error('something odd'), 'u');
    expect(sut.code).toBe('upstream_unreachable');
    expect(sut.message).toContain('something odd');
    expect(sut.options.cause).toBeInstanceOf(Error);
  });

  it('returns a GatewayException unchanged', () => {
    const original = new GatewayException('upstream_bad_response', 'bad');
    expect(toUpstreamException(original, 'u')).toBe(original);
  });
});

describe(upstreamStatusException.name, () => {
  it('keeps the status and an OpenAI-shaped body as it is', () => {
    const body = {
      error: {
        message: 'temperature must be at most 2',
        type: 'invalid_request_error',
        param: 'temperature',
        code: 'invalid_value',
      },
    };
    const sut = upstreamStatusException(400, JSON.stringify(body), 'u');
    expect(sut.code).toBe('upstream_error');
    expect(sut.message).toBe('temperature must be at most 2');
    expect(toOpenAiError(sut)).toEqual({ status: 400, body });
  });

  it("turns a context overflow into OpenAI's 400 context_length_exceeded", () => {
    const body = {
      error: {
        message: 'context too long',
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      },
    };
    const sut = upstreamStatusException(400, JSON.stringify(body), 'u');
    expect(toOpenAiError(sut)).toEqual({ status: 400, body });
  });

  it('completes a partial OpenAI body and keeps its extra fields', () => {
    const sut = upstreamStatusException(
      500,
      '{"error":{"message":"oom","object":"error","code":{"n":1}}}',
      'u',
    );
    expect(toOpenAiError(sut)).toEqual({
      status: 500,
      body: {
        error: {
          message: 'oom',
          object: 'error',
          type: 'upstream_error',
          param: null,
          code: 'upstream_error',
        },
      },
    });
  });

  it('wraps a non-JSON body in the OpenAI shape', () => {
    const sut = upstreamStatusException(503, '<html>Bad Gateway</html>', 'u');
    const { status, body } = toOpenAiError(sut);
    expect(status).toBe(503);
    expect(body.error.message).toContain('HTTP 503');
    expect(body.error.message).toContain('<html>Bad Gateway</html>');
    expect(body.error).toMatchObject({
      type: 'upstream_error',
      param: null,
      code: 'upstream_error',
    });
  });

  it('wraps JSON that is not an OpenAI error, and an empty body', () => {
    expect(
      toOpenAiError(upstreamStatusException(502, '{"detail":"x"}', 'u')).body
        .error.message,
    ).toContain('{"detail":"x"}');
    expect(
      toOpenAiError(upstreamStatusException(502, '', 'u')).body.error.message,
    ).toBe("The upstream 'u' answered HTTP 502.");
  });

  it('gives a 4xx the invalid_request_error type and a 429 its rate-limit code', () => {
    const notFound = toOpenAiError(upstreamStatusException(404, 'nope', 'u'));
    expect(notFound.status).toBe(404);
    expect(notFound.body.error.type).toBe('invalid_request_error');
    const limited = toOpenAiError(upstreamStatusException(429, 'slow', 'u'));
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limit_exceeded');
  });
});
