import { pipeline, Readable, Transform } from 'node:stream';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestTenant } from '../auth/request-tenant.js';
import { readWholeBody } from '../common/admission/whole-body.js';
import { isRecord } from '../common/is-record.js';
import { limitsTokens } from './limit-store.js';
import { isPassThrough } from './limited-routes.js';
import {
  declaredLength,
  estimateTokens,
  usedTokens,
} from './token-estimate.js';

const MULTIPART = /^\s*multipart\//i;
const JSON_TYPE = /^\s*application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/** How each content coding an upstream may answer in is undone, bounded. */
const DECODERS: Readonly<
  Record<
    string,
    (bytes: Buffer, options: { maxOutputLength: number }) => Buffer
  >
> = {
  identity: (bytes) => bytes,
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
};

/**
 * Whether the token limits read this pass-through request's body whole
 * before it is forwarded: a POST with a body, not an upload (multipart
 * streams on unread), of a key with token limits. Such a body counts
 * against the memory budget of request bodies, as a parsed one does.
 */
export function readsPassThroughBody(request: FastifyRequest): boolean {
  const limits = requestTenant(request)?.limits;
  return (
    limits !== undefined &&
    limitsTokens(limits) &&
    isPassThrough(request) &&
    request.method === 'POST' &&
    hasBody(request) &&
    !MULTIPART.test(request.headers['content-type'] ?? '')
  );
}

/**
 * The tokens a pass-through request of a key with token limits reserves:
 * every POST with a body does, whatever it holds (vLLM calls its default
 * model for a body naming none). A body read whole (readsPassThroughBody)
 * is estimated from its bytes, then put back as the same bytes for the
 * proxy, whose body parser bounds the read; an upload from its declared
 * length, unread. Undefined for any other request: nothing reserved.
 * @throws GatewayException payload_too_large, or the read's failure.
 */
export async function passThroughTokens(
  request: FastifyRequest,
  defaultOutputTokens: number,
): Promise<number | undefined> {
  if (request.method !== 'POST' || !hasBody(request)) {
    return undefined;
  }
  const body = request.body;
  if (!readsPassThroughBody(request) || !(body instanceof Readable)) {
    return estimateTokens(
      declaredLength(request.headers),
      undefined,
      defaultOutputTokens,
    );
  }
  const bytes = await readWholeBody(body);
  request.body = Readable.from([bytes]);
  return passThroughEstimate(bytes, defaultOutputTokens);
}

/**
 * The token estimate (estimateTokens) of a pass-through body of `bytes`:
 * its length over 4, plus its output cap when it is a JSON object that can
 * be read (UTF-8, UTF-16, with or without a byte order mark), else
 * `defaultOutputTokens`.
 */
export function passThroughEstimate(
  bytes: Buffer,
  defaultOutputTokens: number,
): number {
  return estimateTokens(bytes.length, jsonOf(bytes), defaultOutputTokens);
}

/** HTTP/1.1: a request has a body only with a length or a transfer coding. */
function hasBody(request: FastifyRequest): boolean {
  return (
    declaredLength(request.headers) !== undefined ||
    request.headers['transfer-encoding'] !== undefined
  );
}

/** `bytes` parsed as JSON in the encoding its first bytes tell (RFC 4627); undefined when it is not JSON. */
function jsonOf(bytes: Buffer): unknown {
  try {
    return JSON.parse(new TextDecoder(encodingOf(bytes)).decode(bytes));
  } catch {
    return undefined;
  }
}

/** UTF-16 by its byte order mark, or by the zero byte beside the first ASCII character; else UTF-8 (a BOM is dropped). */
function encodingOf(bytes: Buffer): string {
  const [first, second] = bytes;
  if ((first === 0xfe && second === 0xff) || (first === 0 && second !== 0)) {
    return 'utf-16be';
  }
  if ((first === 0xff && second === 0xfe) || (first !== 0 && second === 0)) {
    return 'utf-16le';
  }
  return 'utf-8';
}

/**
 * Settles a pass-through reservation from its answer (`payload`, with
 * `reply`'s headers); returns the payload to send in its place:
 * - the upstream's JSON answer (a stream) is sent on unchanged and read on
 *   the side, up to `maxBytes` (UPSTREAM_MAX_BODY_BYTES, also once
 *   decompressed): at its end, the `usage` it reports replaces the
 *   estimate. A larger answer, one without usage, one in another content
 *   coding, or one cut short keeps the estimate;
 * - any other upstream answer (an event stream, audio…) keeps the estimate:
 *   no usage is looked for in a stream;
 * - an answer of the gateway's own (an error before any upstream call: not
 *   a stream) gives the estimate back.
 */
export function settlingAnswer(
  reply: Pick<FastifyReply, 'getHeader'>,
  payload: unknown,
  maxBytes: number,
  settle: (usedTokens: number) => void,
): unknown {
  if (!(payload instanceof Readable)) {
    settle(0);
    return payload;
  }
  const contentType = String(reply.getHeader('content-type') ?? '');
  const coding = String(reply.getHeader('content-encoding') ?? 'identity');
  const decode = DECODERS[coding.trim().toLowerCase()];
  if (!JSON_TYPE.test(contentType) || decode === undefined) {
    return payload;
  }
  const tap = usageTap(maxBytes, (bytes) => {
    const used = usageOf(bytes, decode, maxBytes);
    if (used !== undefined) {
      settle(used);
    }
  });
  // The client going away destroys the tap, and with it the upstream body.
  pipeline(payload, tap, () => undefined);
  return tap;
}

/** Passes every chunk on; keeps a copy while the whole is within `maxBytes`. */
function usageTap(maxBytes: number, ended: (bytes: Buffer) => void): Transform {
  const parts: Buffer[] = [];
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (size <= maxBytes) {
        size += chunk.length;
        if (size <= maxBytes) {
          parts.push(chunk);
        } else {
          parts.length = 0;
        }
      }
      callback(null, chunk);
    },
    flush(callback) {
      if (size <= maxBytes) {
        ended(Buffer.concat(parts, size));
      }
      callback();
    },
  });
}

/** The tokens a whole JSON answer's `usage` reports; undefined when it cannot tell. */
function usageOf(
  bytes: Buffer,
  decode: (bytes: Buffer, options: { maxOutputLength: number }) => Buffer,
  maxBytes: number,
): number | undefined {
  try {
    const body: unknown = JSON.parse(
      decode(bytes, { maxOutputLength: maxBytes }).toString('utf8'),
    );
    return isRecord(body) ? usedTokens(body['usage']) : undefined;
  } catch {
    // Not JSON, or larger than maxBytes once decompressed.
    return undefined;
  }
}
