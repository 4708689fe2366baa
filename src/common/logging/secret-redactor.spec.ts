import { describe, expect, it } from 'vitest';
import {
  MAX_HELD_SECRETS,
  REDACTED,
  SecretRedactor,
} from './secret-redactor.js';

describe(SecretRedactor.name, () => {
  it('replaces every occurrence of every added secret', () => {
    const sut = new SecretRedactor();
    sut.add('sk-alpha-123', undefined, null, 'hunter22');
    expect(sut.redact('a sk-alpha-123 b sk-alpha-123 c hunter22')).toBe(
      `a ${REDACTED} b ${REDACTED} c ${REDACTED}`,
    );
    expect(sut.redact('nothing here')).toBe('nothing here');
  });

  it('ignores values too short to be secrets, so logs stay readable', () => {
    const sut = new SecretRedactor();
    sut.add('true', '8080', '', '   ');
    expect(sut.redact('port 8080 is true')).toBe('port 8080 is true');
  });

  it('also redacts the token of "Bearer <token>" on its own', () => {
    const sut = new SecretRedactor();
    sut.add('Bearer tok-abcdef');
    expect(sut.redact('header: Bearer tok-abcdef')).toBe(`header: ${REDACTED}`);
    expect(sut.redact('body echoed tok-abcdef')).toBe(
      `body echoed ${REDACTED}`,
    );
  });

  it('finds a secret JSON-escaped in a log line and percent-encoded in a URL', () => {
    const sut = new SecretRedactor();
    const secret = 'p"a\\ss/w@rd';
    sut.add(secret);
    const line = JSON.stringify({ msg: `failed with ${secret}` });
    expect(sut.redact(line)).not.toContain('w@rd');
    expect(JSON.parse(sut.redact(line))).toEqual({
      msg: `failed with ${REDACTED}`,
    });
    expect(sut.redact(`redis://:${encodeURIComponent(secret)}@host:6379`)).toBe(
      `redis://:${REDACTED}@host:6379`,
    );
  });

  it('redacts the longer of two overlapping secrets whole', () => {
    const sut = new SecretRedactor();
    sut.add('abcdef', 'abcdef-and-more');
    expect(sut.redact('x abcdef-and-more y abcdef')).toBe(
      `x ${REDACTED} y ${REDACTED}`,
    );
  });

  it('holds per-request secrets until each holder released them', () => {
    const sut = new SecretRedactor();
    const first = sut.hold(['token-of-request']);
    const second = sut.hold(['token-of-request']);
    expect(sut.redact('token-of-request')).toBe(REDACTED);
    first();
    first(); // A second release of one hold changes nothing.
    expect(sut.redact('token-of-request')).toBe(REDACTED);
    second();
    expect(sut.redact('token-of-request')).toBe('token-of-request');
  });

  it(`keeps at most ${MAX_HELD_SECRETS} held secrets, dropping the oldest`, () => {
    const sut = new SecretRedactor();
    for (let i = 0; i <= MAX_HELD_SECRETS; i++) {
      sut.hold([`held-secret-${i}`]);
    }
    expect(sut.redact('held-secret-0;')).toBe('held-secret-0;');
    expect(sut.redact(`held-secret-${MAX_HELD_SECRETS};`)).toBe(`${REDACTED};`);
  });

  it('redacts the strings of a JSON value, keeping the value when clean', () => {
    const sut = new SecretRedactor();
    sut.add('sk-echoed-key');
    const body = {
      error: { message: 'Incorrect API key: sk-echoed-key', extra: ['x'] },
    };
    expect(sut.redactJson(body)).toEqual({
      error: { message: `Incorrect API key: ${REDACTED}`, extra: ['x'] },
    });
    const clean = { error: { message: 'fine' } };
    expect(sut.redactJson(clean)).toBe(clean);
  });
});
