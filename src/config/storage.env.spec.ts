import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { parseEnvironment } from './env-parsing.js';
import { StorageEnvironment } from './storage.env.js';

describe(StorageEnvironment.name, () => {
  const parse = (raw: Record<string, string>) =>
    parseEnvironment(StorageEnvironment, raw);

  it('leaves Redis off by default, with a 30-day TTL and the orgw: prefix', () => {
    const sut = parse({});
    expect(sut.errors).toEqual([]);
    expect(sut.value.REDIS_URL).toBeUndefined();
    expect(sut.value.RESPONSE_TTL_SECONDS).toBe(2_592_000);
    expect(sut.value.REDIS_KEY_PREFIX).toBe('orgw:');
  });

  it.each([
    'redis://127.0.0.1:6379/0',
    'rediss://user:secret@redis.example.com:6380',
    'redis://:secret@redis_primary:6379/2',
    'redis://localhost',
  ])('accepts REDIS_URL=%s', (url) => {
    const sut = parse({ REDIS_URL: url, RESPONSE_TTL_SECONDS: '60' });
    expect(sut.errors).toEqual([]);
    expect(sut.value.REDIS_URL).toBe(url);
    expect(sut.value.RESPONSE_TTL_SECONDS).toBe(60);
  });

  it('names every bad key', () => {
    const sut = parse({
      REDIS_URL: 'http://127.0.0.1:6379',
      RESPONSE_TTL_SECONDS: '0',
      MEMORY_STORE_MAX_BYTES: '0',
    });
    expect(sut.errors.map((e) => e.split(':')[0]).sort()).toEqual([
      'MEMORY_STORE_MAX_BYTES',
      'REDIS_URL',
      'RESPONSE_TTL_SECONDS',
    ]);
  });

  it('leaves MEMORY_STORE_MAX_BYTES unset (derived from the heap) unless given', () => {
    expect(parse({}).value.MEMORY_STORE_MAX_BYTES).toBeUndefined();
    expect(
      parse({ MEMORY_STORE_MAX_BYTES: '1048576' }).value.MEMORY_STORE_MAX_BYTES,
    ).toBe(1_048_576);
  });
});
