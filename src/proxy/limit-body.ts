import { pipeline, Transform, type Readable } from 'node:stream';
import { GatewayException } from '../common/errors/gateway.exception.js';

/**
 * Enforces the body limit on a pass-through body, which Fastify hands over
 * unread and therefore does not count. A declared Content-Length over the
 * limit fails at once; a chunked body fails the stream once it grows past
 * it, which aborts the upstream request.
 */
export function limitBody(
  payload: Readable,
  contentLength: string | undefined,
  limit: number,
): Readable {
  if (contentLength !== undefined && Number(contentLength) > limit) {
    throw tooLarge(limit);
  }
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      callback(seen > limit ? tooLarge(limit) : null, chunk);
    },
  });
  // The counter's own error is what the upstream request reports.
  pipeline(payload, counter, () => undefined);
  return counter;
}

function tooLarge(limit: number): GatewayException {
  return new GatewayException(
    'payload_too_large',
    `The request body is larger than the limit of ${limit} bytes.`,
  );
}
