import type { FastifyReply } from 'fastify';
import { eventStreamOpened } from './event-stream-channel.js';

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  // nginx and most ingresses buffer responses unless told not to.
  'x-accel-buffering': 'no',
};

/**
 * Takes the response over from Fastify and sets the 200 with the SSE
 * headers (and those set on the reply so far), so events can follow as
 * they come; a stream that is cut short is logged (see logLostStream).
 * The headers leave with the first frame, which the caller writes next:
 * flushing them alone would cost a socket write of its own per stream.
 */
export function openEventStream(reply: FastifyReply): void {
  reply.hijack();
  reply.raw.writeHead(200, streamHeaders(reply));
  if (eventStreamOpened.hasSubscribers) {
    eventStreamOpened.publish(reply);
  }
  logLostStream(reply);
}

/**
 * Logs, once, a stream whose connection closed before all of it reached the
 * socket: a client that left mid-stream, or a write that failed. The socket's
 * error is only known from the socket itself (the response just closes), so
 * it is heard there until the response closes.
 */
function logLostStream(reply: FastifyReply): void {
  const raw = reply.raw;
  const socket = raw.socket;
  let socketError: Error | undefined;
  const onError = (error: Error): void => {
    socketError ??= error;
  };
  socket?.on('error', onError);
  raw.on('error', onError);
  raw.once('close', () => {
    socket?.off('error', onError);
    raw.off('error', onError);
    if (raw.writableFinished) {
      return;
    }
    const message = 'the client connection closed before the stream ended';
    if (socketError === undefined) {
      reply.log.info(message);
    } else {
      reply.log.warn(
        { err: socketError },
        `${message}: ${errorCodeOf(socketError)}`,
      );
    }
  });
}

function errorCodeOf(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.message;
}

/**
 * The headers set on the reply before hijack (request id, CORS…), then the
 * SSE headers. Built by assignment, not as `{ ...a, ...b }`: on Node 20
 * such a literal gets a hidden class of its own each time, and its object
 * outlives young GCs (see withFields).
 */
function streamHeaders(reply: FastifyReply): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) {
      headers[name] = Array.isArray(value) ? value : String(value);
    }
  }
  return Object.assign(headers, SSE_HEADERS);
}
