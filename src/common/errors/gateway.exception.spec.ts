import { describe, expect, it } from 'vitest';
import {
  errorStatus,
  GatewayException,
  toOpenAiError,
  type GatewayErrorCode,
} from './gateway.exception.js';

describe(GatewayException.name, () => {
  it('carries its code, message, param and cause', () => {
    const cause = new Error('root');
    const sut = new GatewayException('invalid_request', 'bad model', {
      param: 'model',
      cause,
    });
    expect(sut).toBeInstanceOf(Error);
    expect(sut.name).toBe('GatewayException');
    expect(sut.code).toBe('invalid_request');
    expect(sut.message).toBe('bad model');
    expect(sut.param).toBe('model');
    expect(sut.cause).toBe(cause);
  });

  it('has a null param by default', () => {
    expect(new GatewayException('internal', 'x').param).toBeNull();
  });

  describe(errorStatus.name, () => {
    const expected: [GatewayErrorCode, number, string][] = [
      ['invalid_json', 400, 'invalid_request_error'],
      ['invalid_request', 400, 'invalid_request_error'],
      ['unauthorized', 401, 'authentication_error'],
      ['forbidden', 403, 'invalid_request_error'],
      ['not_found', 404, 'invalid_request_error'],
      ['method_not_allowed', 405, 'invalid_request_error'],
      ['payload_too_large', 413, 'invalid_request_error'],
      ['unsupported_media_type', 415, 'invalid_request_error'],
      ['upstream_unreachable', 502, 'upstream_error'],
      ['upstream_bad_response', 502, 'upstream_error'],
      ['service_unavailable', 503, 'server_error'],
      ['upstream_timeout', 504, 'upstream_error'],
      ['upstream_error', 502, 'upstream_error'],
      ['internal', 500, 'server_error'],
    ];

    it.each(expected)('maps %s to HTTP %i and %s', (code, status, type) => {
      expect(errorStatus(new GatewayException(code, 'x'))).toEqual({
        status,
        type,
      });
    });

    it("gives upstream_error the upstream's own status", () => {
      const client = new GatewayException('upstream_error', 'x', {
        status: 422,
      });
      expect(errorStatus(client)).toEqual({
        status: 422,
        type: 'invalid_request_error',
      });
      const server = new GatewayException('upstream_error', 'x', {
        status: 503,
      });
      expect(errorStatus(server)).toEqual({
        status: 503,
        type: 'upstream_error',
      });
    });
  });

  describe(toOpenAiError.name, () => {
    it('renders exactly message, type, param and code', () => {
      const sut = toOpenAiError(
        new GatewayException('invalid_request', "Invalid value for 'model'.", {
          param: 'model',
          openAiCode: 'invalid_type',
        }),
      );
      expect(sut).toEqual({
        status: 400,
        body: {
          error: {
            message: "Invalid value for 'model'.",
            type: 'invalid_request_error',
            param: 'model',
            code: 'invalid_type',
          },
        },
      });
    });

    it('uses the gateway code unless told otherwise, and allows a null code', () => {
      expect(
        toOpenAiError(new GatewayException('upstream_timeout', 'slow')).body
          .error.code,
      ).toBe('upstream_timeout');
      expect(
        toOpenAiError(
          new GatewayException('not_found', 'gone', { openAiCode: null }),
        ).body.error.code,
      ).toBeNull();
    });

    it("returns an upstream's OpenAI body as it is, with the upstream status", () => {
      const upstreamBody = {
        error: {
          message: 'quota',
          type: 'insufficient_quota',
          param: null,
          code: 'insufficient_quota',
        },
      };
      expect(
        toOpenAiError(
          new GatewayException('upstream_error', 'quota', {
            status: 429,
            upstreamBody,
          }),
        ),
      ).toEqual({ status: 429, body: upstreamBody });
    });
  });
});
