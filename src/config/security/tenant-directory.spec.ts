import { describe, expect, it } from 'vitest';
import { loadTenantKeys } from './tenant-keys.js';
import { TenantDirectory } from './tenant-directory.js';

describe(TenantDirectory.name, () => {
  const sut = TenantDirectory.of(
    loadTenantKeys({ list: 'key-one,a-much-longer-second-key' }).keys,
  )!;

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
    expect(TenantDirectory.of([])).toBeNull();
  });

  it('serializes without any key material', () => {
    const text = JSON.stringify({ keys: sut });
    expect(text).toBe('{"keys":"[2 API keys]"}');
  });

  it('resolves each key to its own unnamed tenant, stable and not the key', () => {
    const one = sut.resolve('key-one')!;
    const two = sut.resolve('a-much-longer-second-key')!;
    expect(one.label).toBe('unnamed');
    expect(one.id).toMatch(/^key:[0-9a-f]{16}$/);
    expect(two.id).not.toBe(one.id);
    expect(one.id).not.toContain('key-one');
    const again = TenantDirectory.of(loadTenantKeys({ list: 'key-one' }).keys)!;
    expect(again.resolve('key-one')!.id).toBe(one.id);
  });

  it('swaps its keys at once on replace, and never becomes empty', () => {
    const directory = TenantDirectory.of(
      loadTenantKeys({ list: 'old-key-1' }).keys,
    )!;
    directory.replace(loadTenantKeys({ list: 'new-key-1' }).keys);
    expect(directory.matches('old-key-1')).toBe(false);
    expect(directory.matches('new-key-1')).toBe(true);
    expect(() => directory.replace([])).toThrow(/cannot become empty/);
    expect(directory.matches('new-key-1')).toBe(true);
  });
});
