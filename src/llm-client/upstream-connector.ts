import { channel } from 'node:diagnostics_channel';
import type {
  buildConnector as BuildConnector,
  DiagnosticsChannel,
} from 'undici';
import { buildConnector } from './undici-parts.js';

/** Published by undici as it writes a request's head on a socket. */
const sendHeaders = channel('undici:client:sendHeaders');

/**
 * The upstream Agent's connector: undici's own, except that a connection on
 * which undici sends nothing once it is made is closed at once.
 *
 * undici 7 puts a request aborted in flight back in its client's queue when
 * it closes that request's socket, connects again for it, and drops it only
 * once connected (nodejs/undici#5845, fixed in undici 8, which needs Node 22).
 * The new connection then carries nothing and stays open until the
 * keep-alive timeout, as long as another connection to the same upstream
 * keeps the pool: one idle socket per client that left mid-call.
 *
 * undici writes a waiting request in the connect callback itself, so a
 * socket that has not carried a request when the callback returns has none
 * to carry.
 */
export function upstreamConnector(
  options: BuildConnector.BuildOptions,
): BuildConnector.connector {
  const connect = buildConnector(options);
  return (target, callback) => {
    connect(target, (error, socket) => {
      if (error !== null) {
        callback(error, null);
        return;
      }
      let carried = false;
      const onSend = (message: unknown): void => {
        const sent = message as DiagnosticsChannel.ClientSendHeadersMessage;
        carried ||= sent.socket === socket;
      };
      sendHeaders.subscribe(onSend);
      try {
        callback(null, socket);
      } finally {
        sendHeaders.unsubscribe(onSend);
      }
      if (!carried) {
        socket.destroy();
      }
    });
  };
}
