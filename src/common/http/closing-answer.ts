import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  GatewayException,
  toOpenAiError,
} from '../errors/gateway.exception.js';

/**
 * Once the app closes (the last step of a shutdown, after the drain), a
 * request that still arrives on an open connection gets a 503 in OpenAI's
 * shape, with `connection: close`, instead of Fastify's own body. It runs
 * in place of Fastify's `return503OnClosing`, which must be off. The
 * returned check belongs at the start of the app's onRequest hook: true
 * when it answered the request, which then goes no further.
 */
export function installClosingAnswer(
  fastify: FastifyInstance,
): (reply: FastifyReply) => boolean {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  return (reply) => {
    if (!closing) {
      return false;
    }
    const { status, body } = toOpenAiError(
      new GatewayException(
        'service_unavailable',
        'The gateway is shutting down. Retry the request: another replica will answer it.',
      ),
    );
    void reply.code(status).header('connection', 'close').send(body);
    return true;
  };
}
