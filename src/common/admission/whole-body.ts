import type { Readable } from 'node:stream';

/**
 * The whole of `body` as one buffer. A body that comes as one chunk (one
 * already read whole and put back as its bytes) is returned as that very
 * buffer, not copied: a pass-through body read by both the token limits
 * and the model check is then held once.
 * @throws the stream's failure (past the body limit, a client gone).
 */
export async function readWholeBody(body: Readable): Promise<Buffer> {
  const chunks = (await body.toArray()) as Buffer[];
  return chunks.length === 1 && Buffer.isBuffer(chunks[0])
    ? chunks[0]
    : Buffer.concat(chunks);
}
