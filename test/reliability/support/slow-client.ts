import { connect, type Socket } from 'node:net';
import type { RawAnswer } from './raw-http.js';

/** What a slow client saw once the server closed its connection. */
export interface SlowClientOutcome extends RawAnswer {
  /** True when the connection ended with a reset rather than a close. */
  reset: boolean;
}

/**
 * A raw TCP client that sends `firstBytes` at once, then one byte of
 * `trickle` every `intervalMs` (as a slowloris client does), and never
 * anything else, until the server closes the connection. `outcome` holds
 * what the server answered, if anything.
 */
export class SlowClient {
  readonly outcome: Promise<SlowClientOutcome>;
  private readonly socket: Socket;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    port: number,
    firstBytes: string,
    trickle: string,
    intervalMs: number,
  ) {
    this.socket = connect(port, '127.0.0.1');
    const parts: Buffer[] = [];
    let reset = false;
    this.socket.on('data', (part) => parts.push(part));
    this.socket.on('error', () => (reset = true));
    this.outcome = new Promise((resolve) => {
      this.socket.on('close', () => {
        clearInterval(this.timer);
        const text = Buffer.concat(parts).toString('latin1');
        const [head = '', ...rest] = text.split('\r\n\r\n');
        resolve({
          status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0),
          head,
          body: rest.join('\r\n\r\n'),
          reset,
        });
      });
    });
    this.socket.write(firstBytes);
    if (trickle !== '') {
      let next = 0;
      this.timer = setInterval(() => {
        if (this.socket.writable) {
          this.socket.write(trickle[next++ % trickle.length]!);
        }
      }, intervalMs);
    }
  }

  /** Opens the connection and starts sending. */
  static open(
    port: number,
    firstBytes: string,
    trickle = '',
    intervalMs = 200,
  ): SlowClient {
    return new SlowClient(port, firstBytes, trickle, intervalMs);
  }

  /** Ends the client if a test leaves it open. */
  destroy(): void {
    clearInterval(this.timer);
    this.socket.destroy();
  }
}

/** A request head with its blank line, for a body of `contentLength` bytes. */
export function postHead(
  path: string,
  contentLength: number,
  headers: Record<string, string> = {},
): string {
  const lines = [
    `POST ${path} HTTP/1.1`,
    'Host: gateway',
    'Content-Type: application/json',
    `Content-Length: ${contentLength}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** The value of a header in a raw response head, if present. */
export function headerOf(head: string, name: string): string | undefined {
  return head
    .split('\r\n')
    .find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    ?.slice(name.length + 1)
    .trim();
}
