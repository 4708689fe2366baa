import { describe, expect, it } from 'vitest';
import type { Tenant } from '../../config/security/tenant.js';
import { CompactionSeal } from './compaction-seal.js';

function tenant(id: string): Tenant {
  return { id, label: 'unnamed', hostedMcp: true, limits: {}, metadata: {} };
}

const PAYLOAD = { summary: 'decided X; file a.ts', model: 'm', createdAt: 1 };

describe(CompactionSeal.name, () => {
  const sut = new CompactionSeal('a-long-enough-secret-value');

  it('opens what it sealed, and the blob does not show the summary', () => {
    const sealed = sut.seal(PAYLOAD);
    expect(sealed).not.toContain('decided');
    expect(sut.open(sealed)).toEqual(PAYLOAD);
  });

  it('seals the same payload differently each time (random IV)', () => {
    expect(sut.seal(PAYLOAD)).not.toBe(sut.seal(PAYLOAD));
  });

  it('opens with the same secret in another instance (another replica)', () => {
    const replica = new CompactionSeal('a-long-enough-secret-value');
    expect(replica.open(sut.seal(PAYLOAD))).toEqual(PAYLOAD);
  });

  it('refuses a blob sealed with another secret or a random key', () => {
    expect(
      new CompactionSeal('another-secret-value-here').open(sut.seal(PAYLOAD)),
    ).toBeUndefined();
    expect(new CompactionSeal(undefined).open(sut.seal(PAYLOAD))).toBe(
      undefined,
    );
  });

  it('refuses every single-byte alteration', () => {
    const raw = Buffer.from(sut.seal(PAYLOAD), 'base64url');
    for (let index = 0; index < raw.length; index++) {
      const altered = Buffer.from(raw);
      altered[index] = altered[index]! ^ 0x01;
      expect(sut.open(altered.toString('base64url')), `byte ${index}`).toBe(
        undefined,
      );
    }
  });

  it('opens an item made for one key for that key only, and for anyone once auth is off', () => {
    const sealed = sut.seal({ ...PAYLOAD, owner: 'key:aaaa' });
    expect(sut.open(sealed, tenant('key:aaaa'))).toEqual({
      ...PAYLOAD,
      owner: 'key:aaaa',
    });
    expect(sut.open(sealed, tenant('key:bbbb'))).toBeUndefined();
    expect(sut.open(sealed)).toEqual({ ...PAYLOAD, owner: 'key:aaaa' });
  });

  it('opens an item made while auth was off for no key', () => {
    const sealed = sut.seal(PAYLOAD);
    expect(sut.open(sealed, tenant('key:aaaa'))).toBeUndefined();
    expect(sut.open(sealed)).toEqual(PAYLOAD);
  });

  it('refuses garbage, truncation and an unknown version', () => {
    const raw = Buffer.from(sut.seal(PAYLOAD), 'base64url');
    const otherVersion = Buffer.from(raw);
    otherVersion[0] = 2;
    for (const value of [
      '',
      'not base64 at all!',
      raw.subarray(0, 20).toString('base64url'),
      otherVersion.toString('base64url'),
    ]) {
      expect(sut.open(value)).toBeUndefined();
    }
  });
});
