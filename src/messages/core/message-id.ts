import { randomBytes } from 'node:crypto';

/** A new `msg_…` id, as unguessable as Anthropic's. */
export function newMessageId(): string {
  return `msg_${randomBytes(18).toString('base64url')}`;
}
