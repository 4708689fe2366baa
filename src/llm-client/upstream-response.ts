import type { Dispatcher } from 'undici';
import { GatewayException } from '../common/errors/gateway.exception.js';
import {
  isAbortError,
  toUpstreamException,
  upstreamStatusException,
} from './upstream-errors.js';
import type { ChatCompletion } from './chat-completion.types.js';
import { decodeCompletion } from './decoder/completion-decoder.js';
import { isRawObject } from './decoder/raw-fields.js';
import type { UpstreamTarget } from './upstream-target.js';

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
 * The parsed JSON body; `upstream_bad_response` when it is not JSON. A body
 * that stalls or breaks off is a transport failure (`upstream_timeout`,
 * `upstream_unreachable`), not a bad body.
 */
export async function readJsonBody(
  response: Dispatcher.ResponseData,
  target: UpstreamTarget,
): Promise<unknown> {
  try {
    return await response.body.json();
  } catch (error) {
    if (isAbortError(error)) {
      throw error;
    }
    if (!(error instanceof SyntaxError)) {
      throw toUpstreamException(error, target.name);
    }
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
): Promise<ChatCompletion> {
  const parsed = await readJsonBody(response, target);
  if (!isRawObject(parsed)) {
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
