import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import type { Observable } from 'rxjs';
import { FlowControl } from '../sse/flow-control.js';
import { type SseFormat, writeSse } from '../sse/sse-writer.js';
import { rejection } from '../rejection.js';
import { ClientAbort } from './client-abort.js';
import { sendJson } from './json-text.js';

/** A stream's events, and how they go on the wire. */
export interface EventStream<T> {
  events$: Observable<T>;
  format: SseFormat<T>;
  /** Comments written while no event has gone out (SseWriteOptions.comments). */
  comments?: Observable<string>;
}

/** What the answering code gets to produce a stream. */
export interface StreamChannel {
  /** Backpressure of the client socket, for the upstream reader. */
  flow: FlowControl;
  /** The request's logger (with its request id). */
  log: FastifyBaseLogger;
}

/**
 * How an endpoint answers a request that may ask for a stream (`stream:
 * true`): one JSON body, or events written as Server-Sent Events.
 */
export interface StreamOrJson<TEvent, TBody> {
  stream: boolean;
  /** The JSON body; `client` tells when the client goes away first. */
  json(client: ClientAbort): Promise<TBody>;
  /** The events; a rejection is an HTTP error, as nothing was written yet. */
  events(channel: StreamChannel): Promise<EventStream<TEvent>>;
  /** The error a client is told for a failure before the first byte. */
  clientError?(error: unknown): unknown;
}

/**
 * The one stream-or-JSON dispatcher of the create endpoints. An error
 * before the first byte rejects, so the exception filter answers it with an
 * HTTP status; after it, the stream's format tells it (writeSse). Resolves
 * once the answer is written (a JSON body: handed to the socket), however
 * the stream ended.
 */
export function replyStreamOrJson<TEvent, TBody>(
  reply: FastifyReply,
  answer: StreamOrJson<TEvent, TBody>,
): Promise<void> {
  const told = (error: unknown): never => {
    throw answer.clientError ? answer.clientError(error) : error;
  };
  if (answer.stream) {
    return replyStream(reply, answer).catch(told);
  }
  // No await on send(): a reply's `then` adds end-of-stream listeners to
  // the response, and nothing here needs its end.
  let body: Promise<TBody>;
  try {
    body = answer.json(new ClientAbort(reply.raw));
  } catch (error) {
    return rejection(error).catch(told);
  }
  return body.then((value) => sendJson(reply, value), told);
}

async function replyStream<TEvent, TBody>(
  reply: FastifyReply,
  answer: StreamOrJson<TEvent, TBody>,
): Promise<void> {
  const flow = new FlowControl();
  const { events$, format, comments } = await answer.events({
    flow,
    log: reply.log,
  });
  await writeSse(reply, events$, format, flow, comments ? { comments } : {});
}
