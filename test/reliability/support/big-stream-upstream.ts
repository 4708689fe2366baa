import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { chunk } from '../../support/chat-chunks.js';

/**
 * A Chat Completions upstream that streams `count` text chunks of `size`
 * characters each as fast as the gateway reads them, honouring TCP
 * backpressure itself: when `res.write` returns false it waits for 'drain'.
 * It records how far it got and whether it is blocked, so a test can see
 * that the gateway stopped reading from it.
 */
export class BigStreamUpstream {
  /** Chunks written so far on the current stream. */
  sent = 0;
  /** How many writes did not fit the socket buffer. */
  writesRefused = 0;
  /** True while the current stream waits for 'drain'. */
  blocked = false;
  finished = false;
  private server!: Server;

  private constructor(
    readonly count: number,
    readonly size: number,
  ) {}

  static async start(count: number, size: number): Promise<BigStreamUpstream> {
    const upstream = new BigStreamUpstream(count, size);
    upstream.server = createServer((req, res) => {
      upstream.serve(req, res).catch(() => res.destroy());
    });
    await new Promise<void>((resolve) =>
      upstream.server.listen(0, '127.0.0.1', resolve),
    );
    return upstream;
  }

  get baseUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/v1`;
  }

  /** The text of chunk `index`: its number, padded to `size` characters. */
  piece(index: number): string {
    return `${index}:`.padEnd(this.size, 'x');
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    for await (const _ of req) {
      // Drain the request body.
    }
    this.sent = 0;
    this.writesRefused = 0;
    this.finished = false;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const write = async (data: unknown): Promise<void> => {
      if (res.write(`data: ${JSON.stringify(data)}\n\n`)) {
        return;
      }
      this.writesRefused++;
      this.blocked = true;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.once('drain', done);
        res.once('close', done);
      });
      this.blocked = false;
    };
    await write(chunk({ role: 'assistant', content: '' }));
    for (let i = 0; i < this.count && !res.destroyed; i++) {
      await write(chunk({ content: this.piece(i) }));
      this.sent++;
    }
    if (!res.destroyed) {
      await write(chunk({}, 'stop'));
      res.end('data: [DONE]\n\n');
      this.finished = true;
    }
  }
}
