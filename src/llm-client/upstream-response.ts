import type { Dispatcher } from 'undici';
import { GatewayException } from '../common/errors/gateway.exception.js';
import {
  isAbortError,
  toUpstreamException,
  upstreamStatusException,
} from './upstream-errors.js';
import type { ChatCompletion } from '../protocol/chat-completion.types.js';
import { decodeCompletion } from './decoder/completion-decoder.js';
import { tooLargeException } from './upstream-limits.js';
import type { UpstreamTarget } from '../config/upstreams/upstream-target.js';
import { isRecord } from '../common/is-record.js';

/** Largest upstream error body the gateway reads to build its message. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * Throws the upstream's own error for a non-2xx answer, reading at most
 * 64 KiB of its body for the message.
 */
export async function ensureOk(
  response: Dispatcher.ResponseData,
  target: UpstreamTarget,
): Promise<void> {
  if (response.statusCode < 200 || response.statusCode >= 300) {
    const text = await readLimited(response.body, MAX_ERROR_BODY_BYTES);
    throw upstreamStatusException(response.statusCode, text, target.name);
  }
}

/**
 * The parsed JSON body, read through a counter: `upstream_bad_response` when
 * it is not JSON, or as soon as it grows past `maxBytes` (a `content-length`
 * over it fails before any byte is read). A body that stalls or breaks off
 * is a transport failure (`upstream_timeout`, `upstream_unreachable`), not a
 * bad body.
 */
export async function readJsonBody(
  response: Dispatcher.ResponseData,
  target: UpstreamTarget,
  maxBytes: number,
): Promise<unknown> {
  const text = await readCapped(response, target, maxBytes);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badResponse(target, 'a body that is not JSON', error);
  }
}

/**
 * A non-streaming chat completion, read and decoded (decodeCompletion):
 * a body that is not a JSON object, or has no `choices` array, is
 * `upstream_bad_response`; an error body sent with a 2xx status is the
 * upstream's error.
 */
export async function readCompletion(
  response: Dispatcher.ResponseData,
  target: UpstreamTarget,
  maxBytes: number,
): Promise<ChatCompletion> {
  const parsed = await readJsonBody(response, target, maxBytes);
  if (!isRecord(parsed)) {
    throw badResponse(target, 'a completion that is not a JSON object');
  }
  return decodeCompletion(parsed, target.name, (what) =>
    badResponse(target, what),
  );
}

function badResponse(
  target: UpstreamTarget,
  what: string,
  cause?: unknown,
): GatewayException {
  return new GatewayException(
    'upstream_bad_response',
    `The upstream '${target.name}' sent ${what}.`,
    { cause, openAiCode: 'upstream_bad_response' },
  );
}

/** The whole body as text, failing once it is larger than `maxBytes`. */
async function readCapped(
  response: Dispatcher.ResponseData,
  target: UpstreamTarget,
  maxBytes: number,
): Promise<string> {
  if (Number(response.headers['content-length']) > maxBytes) {
    response.body.destroy();
    throw tooLargeException(target.name, 'body', maxBytes);
  }
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const part of response.body) {
      const buffer = part as Buffer;
      size += buffer.length;
      if (size > maxBytes) {
        // Leaving the loop destroys the body, so the rest is never read.
        throw tooLargeException(target.name, 'body', maxBytes);
      }
      parts.push(buffer);
    }
  } catch (error) {
    if (error instanceof GatewayException || isAbortError(error)) {
      throw error;
    }
    throw toUpstreamException(error, target.name);
  }
  // TextDecoder drops a byte-order mark, as undici's body.json() did.
  return new TextDecoder().decode(Buffer.concat(parts, size));
}

/**
 * Reads at most `limit` bytes of an upstream body as text, then drops the
 * rest; a body that breaks off yields what arrived.
 */
async function readLimited(
  body: Dispatcher.ResponseData['body'],
  limit: number,
): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const part of body) {
      const buffer = part as Buffer;
      parts.push(buffer);
      size += buffer.length;
      if (size >= limit) {
        body.destroy();
        break;
      }
    }
  } catch {
    // A body that breaks off still leaves the status to report.
  }
  return Buffer.concat(parts).toString('utf8').slice(0, limit);
}
