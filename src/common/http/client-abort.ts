import type { FastifyReply } from 'fastify';

/**
 * An AbortSignal that fires when the client goes away before the reply was
 * fully written, so a non-streaming upstream call stops too. The raw
 * response's 'close' is used: the request's 'close' fires once its body is read.
 */
export function clientAbortSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const raw = reply.raw;
  const onClose = (): void => {
    if (!raw.writableFinished) {
      controller.abort();
    }
  };
  raw.once('close', onClose);
  return controller.signal;
}
