import {
  BadRequestException,
  HttpException,
  NotFoundException,
} from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { GatewayException } from './gateway.exception.js';
import { normalizeError } from './normalize-error.js';

function fastifyError(code: string, statusCode: number, message: string) {
  return Object.assign(new Error(message), { code, statusCode });
}

describe(normalizeError.name, () => {
  it('returns a GatewayException unchanged', () => {
    const error = new GatewayException('upstream_timeout', 'slow');
    expect(normalizeError(error)).toBe(error);
  });

  it.each([
    ['FST_ERR_CTP_INVALID_JSON_BODY', 400, 'invalid_json'],
    ['FST_ERR_CTP_EMPTY_JSON_BODY', 400, 'invalid_json'],
    ['FST_ERR_CTP_BODY_TOO_LARGE', 413, 'payload_too_large'],
    ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'unsupported_media_type'],
  ])('maps the Fastify error %s', (code, status, expected) => {
    const sut = normalizeError(fastifyError(code, status, 'parser said no'));
    expect(sut.code).toBe(expected);
    expect(sut.message).toContain('parser said no');
  });

  it('looks through the HttpException that Nest wraps a Fastify error in', () => {
    const cause = fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400, 'bad');
    const wrapped = new HttpException('bad', 400, { cause });
    const sut = normalizeError(wrapped);
    expect(sut.code).toBe('invalid_json');
    expect(sut.options.cause).toBe(cause);
  });

  it('maps an HttpException by its status', () => {
    expect(normalizeError(new NotFoundException('Cannot GET /x')).code).toBe(
      'not_found',
    );
    const badRequest = normalizeError(
      new BadRequestException(['a is wrong', 'b is wrong']),
    );
    expect(badRequest.code).toBe('invalid_request');
    expect(badRequest.message).toBe('a is wrong; b is wrong');
    expect(normalizeError(new HttpException('x', 500)).code).toBe('internal');
  });

  it('maps an unknown 4xx error with a status code', () => {
    expect(
      normalizeError(fastifyError('FST_SOMETHING_NEW', 405, 'nope')).code,
    ).toBe('method_not_allowed');
  });

  it('hides the details of anything else behind internal', () => {
    const sut = normalizeError(new TypeError('x is undefined at secret.ts'));
    expect(sut.code).toBe('internal');
    expect(sut.message).not.toContain('secret');
  });
});
