import { randomBytes } from 'node:crypto';

const PREFIX = 'toolu_';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX_LENGTH = 8;
// `_` and 8 base62 characters, at the very end: fixed length, so it comes off
// cleanly even though base64url itself may contain `_`.
const SUFFIX = new RegExp(`_[0-9A-Za-z]{${SUFFIX_LENGTH}}$`);
// Printable ASCII without spaces: what an upstream's tool call id is made of.
const PRINTABLE = /^[\x21-\x7e]+$/;

/**
 * The `tool_use` id a client sees for an upstream tool call id: `toolu_`,
 * the id in base64url, then `_` and 8 random base62 characters. The
 * base64url part lets any id (`call_…`, `chatcmpl-tool-…`,
 * `functions.get_weather:0`) fit Anthropic's `[a-zA-Z0-9_-]` ids and map
 * back without any state kept, on any replica; the random part keeps ids
 * unique when a backend reuses its call ids (Kimi K2 on vLLM writes
 * `functions.Bash:0` every turn), since the Anthropic API refuses a
 * conversation with two `tool_use` blocks of one id and Claude Code keys its
 * tool state by id.
 */
export function toolUseIdFor(upstreamId: string): string {
  return `${PREFIX}${Buffer.from(upstreamId, 'utf8').toString('base64url')}_${randomSuffix()}`;
}

/**
 * The upstream tool call id a client's `tool_use` / `tool_result` id stands
 * for: the inverse of toolUseIdFor (ids issued before the random suffix
 * existed, `toolu_` + base64url alone, included), or the id as sent when it
 * is not one of the gateway's (a client may make up its own ids for
 * history). Applied to both sides of a call, so the pair stays matched
 * either way.
 */
export function upstreamToolCallId(toolUseId: string): string {
  if (!toolUseId.startsWith(PREFIX)) {
    return toolUseId;
  }
  const encoded = toolUseId.slice(PREFIX.length);
  const suffixed = SUFFIX.test(encoded)
    ? decoded(encoded.slice(0, -(SUFFIX_LENGTH + 1)))
    : undefined;
  return suffixed ?? decoded(encoded) ?? toolUseId;
}

/** `encoded` read as base64url, when it is canonical and printable ASCII. */
function decoded(encoded: string): string | undefined {
  const bytes = Buffer.from(encoded, 'base64url');
  const text = bytes.toString('utf8');
  return bytes.toString('base64url') === encoded && PRINTABLE.test(text)
    ? text
    : undefined;
}

function randomSuffix(): string {
  // 248 is the largest multiple of 62 below 256: rejecting bytes from it up
  // keeps every character equally likely.
  let suffix = '';
  while (suffix.length < SUFFIX_LENGTH) {
    for (const byte of randomBytes(SUFFIX_LENGTH * 2)) {
      if (byte < 248 && suffix.length < SUFFIX_LENGTH) {
        suffix += BASE62[byte % 62];
      }
    }
  }
  return suffix;
}
