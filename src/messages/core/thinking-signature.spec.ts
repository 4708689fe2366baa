import { describe, expect, it } from 'vitest';
import { ThinkingSignature } from './thinking-signature.js';

const BASE64URL =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** `signature` with its last character's unused low bits set: it decodes to the same bytes. */
function otherSpelling(signature: string): string {
  const last = BASE64URL.indexOf(signature.at(-1)!);
  return signature.slice(0, -1) + BASE64URL[last | 0b01];
}

describe(ThinkingSignature.name, () => {
  it('verifies what it signed, and nothing else', () => {
    const sut = new ThinkingSignature('a secret');
    const signature = sut.sign('The user wants a number.');

    expect(signature).toMatch(/^g1\.[\w-]{43}$/);
    expect(sut.verify('The user wants a number.', signature)).toBe(true);
    expect(sut.verify('The user wants a number!', signature)).toBe(false);
    expect(
      sut.verify('The user wants a number.', `g2${signature.slice(2)}`),
    ).toBe(false);
    expect(
      new ThinkingSignature('another').verify(
        'The user wants a number.',
        signature,
      ),
    ).toBe(false);
  });

  it('refuses another spelling of the same MAC, whatever the MAC', () => {
    const sut = new ThinkingSignature(undefined);
    for (let i = 0; i < 64; i++) {
      const thinking = `plan ${i}`;
      const signature = sut.sign(thinking);
      const respelled = otherSpelling(signature);

      expect(respelled).not.toBe(signature);
      expect(Buffer.from(respelled.slice(3), 'base64url')).toEqual(
        Buffer.from(signature.slice(3), 'base64url'),
      );
      expect(sut.verify(thinking, respelled)).toBe(false);
    }
  });
});
