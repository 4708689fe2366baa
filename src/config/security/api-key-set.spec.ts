import { describe, expect, it } from 'vitest';
import { ApiKeySet } from './api-key-set.js';

describe(ApiKeySet.name, () => {
  const sut = ApiKeySet.of(['key-one', 'a-much-longer-second-key'])!;

  it('matches every configured key exactly', () => {
    expect(sut.matches('key-one')).toBe(true);
    expect(sut.matches('a-much-longer-second-key')).toBe(true);
  });

  it.each([
    '',
    'key-on',
    'key-one ',
    'KEY-ONE',
    'key-onex',
    'a'.repeat(10_000),
  ])('rejects %j', (presented) => {
    expect(sut.matches(presented)).toBe(false);
  });

  it('is null without keys, so auth stays off', () => {
    expect(ApiKeySet.of([])).toBeNull();
  });

  it('serializes without any key material', () => {
    const text = JSON.stringify({ keys: sut });
    expect(text).toBe('{"keys":"[2 API keys]"}');
  });
});
