import {
  createCipheriv,
  createDecipheriv,
  hkdfSync,
  randomBytes,
} from 'node:crypto';
import { visibleTo, type Tenant } from '../../config/security/tenant.js';

/** What a compaction item carries, sealed. */
export interface CompactionPayload {
  /** The model's summary of the conversation up to the compaction. */
  summary: string;
  /** The model that wrote it (informational). */
  model: string;
  /** Unix seconds. */
  createdAt: number;
  /**
   * The Tenant.id of the key it was made for; absent when inbound auth was
   * off. Sealed with the summary, so it cannot be changed, and checked on
   * opening: another key's item opens for no one but its owner (and for
   * anyone once auth is off, as every stored object is visible then).
   */
  owner?: string;
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
// Binds a sealed blob to its purpose: a ciphertext made for something else
// with the same key never opens as a compaction item.
const PURPOSE = 'open-responses-gateway/compaction-item';
const HKDF_SALT = 'open-responses-gateway';

/**
 * Seals compaction summaries into opaque `encrypted_content` strings:
 * AES-256-GCM with a key derived (HKDF-SHA256) from COMPACTION_SECRET, or
 * from random bytes when unset. Layout (base64url): version byte, 12-byte
 * IV, 16-byte tag, ciphertext; the version byte and the purpose are the
 * additional authenticated data.
 */
export class CompactionSeal {
  private readonly key: Buffer;

  /** `secret` undefined: a random key, valid for this process only. */
  constructor(secret: string | undefined) {
    const material = secret ?? randomBytes(32).toString('hex');
    this.key = Buffer.from(
      hkdfSync('sha256', material, HKDF_SALT, `${PURPOSE}/v${VERSION}`, 32),
    );
  }

  seal(payload: CompactionPayload): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(additionalData(VERSION));
    const body = Buffer.concat([
      cipher.update(JSON.stringify(payload), 'utf8'),
      cipher.final(),
    ]);
    return Buffer.concat([
      Buffer.of(VERSION),
      iv,
      cipher.getAuthTag(),
      body,
    ]).toString('base64url');
  }

  /**
   * The payload, or undefined for anything tampered, malformed, sealed with
   * another secret, or made for another key than `caller` (visibleTo).
   */
  open(encrypted: string, caller?: Tenant): CompactionPayload | undefined {
    const payload = this.unseal(encrypted);
    return payload && visibleTo(payload.owner, caller) ? payload : undefined;
  }

  private unseal(encrypted: string): CompactionPayload | undefined {
    const raw = Buffer.from(encrypted, 'base64url');
    if (raw.length <= 1 + IV_BYTES + TAG_BYTES || raw[0] !== VERSION) {
      return undefined;
    }
    const iv = raw.subarray(1, 1 + IV_BYTES);
    const tag = raw.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAAD(additionalData(VERSION));
      decipher.setAuthTag(tag);
      const text = Buffer.concat([
        decipher.update(raw.subarray(1 + IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
      return asPayload(JSON.parse(text));
    } catch {
      // A wrong tag (tampered, or sealed with another key) throws in final().
      return undefined;
    }
  }
}

function additionalData(version: number): Buffer {
  return Buffer.concat([Buffer.of(version), Buffer.from(PURPOSE, 'utf8')]);
}

function asPayload(value: unknown): CompactionPayload | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const { summary, model, createdAt, owner } = value as Record<string, unknown>;
  if (
    typeof summary !== 'string' ||
    typeof model !== 'string' ||
    typeof createdAt !== 'number' ||
    (owner !== undefined && typeof owner !== 'string')
  ) {
    return undefined;
  }
  return {
    summary,
    model,
    createdAt,
    ...(owner === undefined ? {} : { owner }),
  };
}
