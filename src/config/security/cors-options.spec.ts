import { describe, expect, it } from 'vitest';
import {
  CORS_ORIGINS_PATTERN,
  corsOptions,
  parseCorsOrigins,
} from './cors-options.js';

describe(parseCorsOrigins.name, () => {
  it('is off when unset or blank', () => {
    expect(parseCorsOrigins(undefined)).toBeUndefined();
    expect(parseCorsOrigins('  ')).toBeUndefined();
  });

  it('reads * as any origin', () => {
    expect(parseCorsOrigins(' * ')).toBe('*');
  });

  it('reads a list of exact origins without trailing slashes', () => {
    expect(
      parseCorsOrigins('https://a.example.com/, http://localhost:3000'),
    ).toEqual(['https://a.example.com', 'http://localhost:3000']);
  });

  it.each([
    ['*', true],
    ['https://a.example.com', true],
    ['https://a.example.com, http://localhost:5173,', true],
    ['a.example.com', false],
    ['https://a.example.com/path', false],
    ['*, https://a.example.com', false],
    ['ftp://a.example.com', false],
  ])('validates %j as %s', (text, valid) => {
    expect(CORS_ORIGINS_PATTERN.test(text)).toBe(valid);
  });
});

describe(corsOptions.name, () => {
  it('sends no credentials, exposes the request id and reflects requested headers', () => {
    const sut = corsOptions(['https://a.example.com']);
    expect(sut).toMatchObject({
      origin: ['https://a.example.com'],
      credentials: false,
      exposedHeaders: ['x-request-id'],
    });
    expect(sut.allowedHeaders).toBeUndefined();
    expect(sut.methods).toContain('DELETE');
  });
});
