import type { Dispatcher } from 'undici';
import { GatewayException } from '../common/errors/gateway.exception.js';
import {
  isAbortError,
  toUpstreamException,
  upstreamStatusException,
} from './upstream-errors.js';
import type { ChatCompletion } from '../protocol/chat-completion.types.js';
import { decodeCompletion } from './decoder/completion-decoder.js';
import { keepsDecodedForm } from './decoder/completion-form.js';
import { keepJsonText } from '../common/http/json-text.js';
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
  await statusFailure(response, target);
}

/**
 * As ensureOk, without a promise for a 2xx answer (the hot path): undefined
 * then, else the rejection with the upstream's own error.
 */
export function statusFailure(
  response: Dispatcher.ResponseData,
  target: UpstreamTarget,
): Promise<never> | undefined {
  if (response.statusCode >= 200 && response.statusCode < 300) {
    return undefined;
  }
  return readLimited(response.body, MAX_ERROR_BODY_BYTES).then((text) => {
    throw upstreamStatusException(response.statusCode, text, target.name);
  });
}

/**
 * The parsed JSON body, read through a counter: `upstream_bad_response` when
 * it is not JSON, or as soon as it grows past `maxBytes` (a `content-length`
 * over it fails before any byte is read). A body that stalls or breaks off
 * is a transport failure (`upstream_timeout`, `upstream_unreachable`), not a
 * bad body.
 */
export function readJsonBody(
  response: Dispatcher.ResponseData,
  target: UpstreamTarget,
  maxBytes: number,
): Promise<unknown> {
  return readCapped(response, target, maxBytes).then((text) =>
    parseJson(text, target),
  );
}

/**
 * A non-streaming chat completion, read and decoded (decodeCompletion):
 * a body that is not a JSON object, or has no `choices` array, is
 * `upstream_bad_response`; an error body sent with a 2xx status is the
 * upstream's error.
 */
export function readCompletion(
  response: Dispatcher.ResponseData,
  target: UpstreamTarget,
  maxBytes: number,
): Promise<ChatCompletion> {
  return readCapped(response, target, maxBytes).then((text) => {
    const parsed = parseJson(text, target);
    if (!isRecord(parsed)) {
      throw badResponse(target, 'a completion that is not a JSON object');
    }
    // Asked before decoding, which works in place.
    const unchanged = keepsDecodedForm(parsed);
    const completion = decodeCompletion(parsed, target.name, (what) =>
      badResponse(target, what),
    );
    if (unchanged) {
      keepJsonText(completion, text);
    }
    return completion;
  });
}

function parseJson(text: string, target: UpstreamTarget): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badResponse(target, 'a body that is not JSON', error);
  }
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

/** Decodes a whole body; stateless between calls, so one serves every call. */
const UTF8 = new TextDecoder();

/**
 * The whole body as text, failing once it is larger than `maxBytes`. Read
 * from the stream's events into one promise: an async iterator costs a
 * promise per read and end-of-stream listeners.
 */
function readCapped(
  response: Dispatcher.ResponseData,
  target: UpstreamTarget,
  maxBytes: number,
): Promise<string> {
  const body = response.body;
  if (Number(response.headers['content-length']) > maxBytes) {
    body.destroy();
    return Promise.reject(tooLargeException(target.name, 'body', maxBytes));
  }
  if (body.destroyed) {
    // Its 'error' or 'close' may be gone already: nothing more will come.
    return Promise.reject(
      readFailure(body.errored ?? new Error('the body ended early'), target),
    );
  }
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    let settled = false;
    // The 'error' listener stays: undici turns a destroy of an unfinished
    // body into an error event, which without a listener would throw.
    const settle = (): void => {
      settled = true;
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('close', onClose);
    };
    const onData = (part: Buffer): void => {
      size += part.length;
      if (size > maxBytes) {
        settle();
        // The rest is never read.
        body.destroy();
        reject(tooLargeException(target.name, 'body', maxBytes));
        return;
      }
      parts.push(part);
    };
    const onEnd = (): void => {
      settle();
      // TextDecoder drops a byte-order mark, as undici's body.json() did.
      resolve(UTF8.decode(Buffer.concat(parts, size)));
    };
    const onError = (error: unknown): void => {
      if (!settled) {
        settle();
        reject(readFailure(error, target));
      }
    };
    // Destroyed without an error (no 'end'): the body broke off.
    const onClose = (): void => onError(new Error('the body ended early'));
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('close', onClose);
  });
}

/** A body that broke off: the client's abort as it is, else a transport failure. */
function readFailure(error: unknown, target: UpstreamTarget): Error {
  return isAbortError(error) && error instanceof Error
    ? error
    : toUpstreamException(error, target.name);
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
