import {
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

const VERSION = 'g1';
// Binds the key to this use: a compaction seal made with the same secret
// never doubles as a thinking signature.
const PURPOSE = 'open-responses-gateway/thinking-signature/v1';
const HKDF_SALT = 'open-responses-gateway';

/**
 * Signs the `thinking` blocks the gateway writes, so that a block coming
 * back in a later request can be told apart from text a client made up:
 * only a verified block is handed to the model as its own earlier
 * reasoning. HMAC-SHA256 over the text, with a key
 * derived (HKDF) from COMPACTION_SECRET, or from random bytes when unset
 * (then signatures hold only for this process, and a block from another
 * replica is dropped, not refused).
 */
export class ThinkingSignature {
  private readonly key: Buffer;

  constructor(secret: string | undefined) {
    const material = secret ?? randomBytes(32).toString('hex');
    this.key = Buffer.from(
      hkdfSync('sha256', material, HKDF_SALT, PURPOSE, 32),
    );
  }

  sign(thinking: string): string {
    return `${VERSION}.${this.mac(thinking).toString('base64url')}`;
  }

  verify(thinking: string, signature: string): boolean {
    if (!signature.startsWith(`${VERSION}.`)) {
      return false;
    }
    // Compared as text, not decoded: the last of a 32-byte MAC's 43 base64url
    // characters has two bits no byte uses, so a decode would take four
    // spellings of one signature as the same.
    const given = Buffer.from(signature.slice(VERSION.length + 1));
    const expected = Buffer.from(this.mac(thinking).toString('base64url'));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac(thinking: string): Buffer {
    return createHmac('sha256', this.key).update(thinking).digest();
  }
}
