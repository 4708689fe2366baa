import { randomText } from '../../common/random/random-text.js';

/** A new `msg_…` id, as unguessable as Anthropic's. */
export function newMessageId(): string {
  return `msg_${randomText(18, 'base64url')}`;
}
