import { channel } from 'node:diagnostics_channel';

/**
 * The `node:diagnostics_channel` on which openEventStream publishes the
 * FastifyReply of every event stream, once its headers are written. A
 * hijacked reply skips Fastify's onSend, so this is how a stream's first
 * byte and its opening are heard (HttpMetrics subscribes) without anyone
 * patching the response.
 */
export const EVENT_STREAM_OPEN_CHANNEL = 'gateway.event-stream.open';

export const eventStreamOpened = channel(EVENT_STREAM_OPEN_CHANNEL);
