import { connect } from 'node:net';

/** A raw HTTP/1.1 answer: status line, headers as written, body. */
export interface RawAnswer {
  status: number;
  head: string;
  body: string;
}

/**
 * Sends `requestHead` (request line and headers, without the blank line)
 * byte for byte on a new TCP connection, so request targets and header
 * values reach the server exactly as written, even where an HTTP client
 * would normalise or refuse them. `Connection: close` is added.
 */
export function rawRequest(
  port: number,
  requestHead: string,
  body = '',
  timeoutMs = 10_000,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const parts: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (part) => parts.push(part));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(parts).toString('latin1');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      resolve({
        status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0),
        head,
        body: rest.join('\r\n\r\n'),
      });
    });
    const length = body ? `Content-Length: ${Buffer.byteLength(body)}\r\n` : '';
    socket.write(`${requestHead}\r\n${length}Connection: close\r\n\r\n${body}`);
  });
}
