import { pipeline, Readable, Transform } from 'node:stream';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isRecord } from '../common/is-record.js';
import { estimateTokens, usedTokens } from './token-estimate.js';

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
 * The body of a pass-through request, read whole so that its tokens can be
 * estimated before it is forwarded, and put back as the same bytes for the
 * proxy. The proxy's body parser bounds the read (it fails the stream past
 * the body limit). Undefined for a request without a body and for an
 * upload (multipart: it streams on unread and is not estimated).
 * @throws GatewayException payload_too_large, or the read's failure.
 */
export async function readPassThroughBody(
  request: FastifyRequest,
): Promise<Buffer | undefined> {
  const body = request.body;
  if (
    !(body instanceof Readable) ||
    MULTIPART.test(request.headers['content-type'] ?? '')
  ) {
    return undefined;
  }
  const bytes = Buffer.concat((await body.toArray()) as Buffer[]);
  request.body = Readable.from([bytes]);
  return bytes;
}

/**
 * The token estimate (estimateTokens) of a pass-through body that calls a
 * model: a JSON object naming a `model`, as /v1/completions and
 * /v1/embeddings bodies do. Undefined for any other body: not estimated.
 */
export function passThroughEstimate(
  bytes: Buffer,
  defaultOutputTokens: number,
): number | undefined {
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  return isRecord(body) && typeof body['model'] === 'string'
    ? estimateTokens(bytes.length, body, defaultOutputTokens)
    : undefined;
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
