import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { completion } from '../../support/chat-chunks.js';
import { waitUntil } from '../../support/wait-until.js';

const MODELS = JSON.stringify({
  object: 'list',
  data: [{ id: 'fake-model', object: 'model', created: 0, owned_by: 'gated' }],
});

/**
 * A Chat Completions upstream on 127.0.0.1 that reads each chat request's body
 * (counting its bytes, keeping none) and holds each answer until the test
 * opens its gate. The gateway's requests stay in flight meanwhile, holding
 * their bodies against the memory budget for as long as a test needs.
 */
export class GatedUpstream {
  /** Body sizes of the chat requests received so far, in arrival order. */
  readonly bodyBytes: number[] = [];
  private readonly sockets = new Set<Socket>();
  private openGate!: () => void;
  private gate = this.closedGate();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<GatedUpstream> {
    const server = createServer();
    const upstream = new GatedUpstream(server);
    server.on('request', (req, res) => void upstream.answer(req, res));
    server.on('connection', (socket) => {
      upstream.sockets.add(socket);
      socket.on('close', () => upstream.sockets.delete(socket));
    });
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    return upstream;
  }

  /** Base URL including `/v1`, as OPENAI_BASE_URL_INTERNAL expects. */
  get baseUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/v1`;
  }

  /** Resolves once `count` chat requests have arrived, bodies read. */
  waitForRequests(count: number): Promise<void> {
    return waitUntil(
      () => this.bodyBytes.length >= count,
      () => `${count} upstream requests, saw ${this.bodyBytes.length}`,
      15_000,
    );
  }

  /** Answers every held request, and every later one at once. */
  open(): void {
    this.openGate();
  }

  /** Holds the answers from now on, until the next open(). */
  hold(): void {
    this.openGate();
    this.gate = this.closedGate();
  }

  async close(): Promise<void> {
    this.open();
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private closedGate(): Promise<void> {
    return new Promise<void>((resolve) => (this.openGate = resolve));
  }

  private async answer(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    if (req.method !== 'POST' || !req.url?.startsWith('/v1/chat/completions')) {
      // Readiness and model-list calls: answered at once, never counted.
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end(MODELS);
      return;
    }
    let bytes = 0;
    try {
      for await (const part of req) {
        bytes += (part as Buffer).length;
      }
    } catch {
      return; // The gateway gave up on the request.
    }
    this.bodyBytes.push(bytes);
    await this.gate;
    if (res.destroyed) {
      return;
    }
    const body = JSON.stringify(completion({ content: `read ${bytes}` }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  }
}
