import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request a client sent through the watcher. */
export interface WatchedRequest {
  method: string;
  /** The absolute URL the client asked for (proxy form). */
  url: string;
  headers: IncomingHttpHeaders;
  /** True when it went to the allowed origin and was forwarded there. */
  forwarded: boolean;
}

/** Headers that belong to one hop, never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'transfer-encoding',
  'upgrade',
]);

/**
 * An HTTP forward proxy on 127.0.0.1 for a client started with HTTP_PROXY
 * and HTTPS_PROXY pointing at it: it forwards the requests for one allowed
 * origin (the gateway), answers every other request 502, refuses every
 * CONNECT tunnel (https to any other host) and records all of them, so a
 * spec can assert that the client talked to the gateway and nothing else.
 */
export class TrafficWatcher {
  readonly requests: WatchedRequest[] = [];
  /** `host:port` of every CONNECT tunnel the client asked for. */
  readonly tunnels: string[] = [];
  private readonly sockets = new Set<Socket>();
  private server!: Server;

  private constructor(private readonly allowedOrigin: string) {}

  /** Starts a watcher that forwards only to `allowedOrigin` (scheme://host:port). */
  static async start(allowedOrigin: string): Promise<TrafficWatcher> {
    const watcher = new TrafficWatcher(new URL(allowedOrigin).origin);
    await watcher.listen();
    return watcher;
  }

  /** The value for HTTP_PROXY / HTTPS_PROXY. */
  get proxyUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The environment that sends a client's traffic through the watcher. */
  get proxyEnv(): Record<string, string> {
    return { HTTP_PROXY: this.proxyUrl, HTTPS_PROXY: this.proxyUrl };
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    this.server = createServer((req, res) => this.onRequest(req, res));
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('connect', (req: IncomingMessage, socket: Socket) => {
      this.tunnels.push(req.url ?? '');
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
    });
    await new Promise<void>((resolve) =>
      this.server.listen(0, '127.0.0.1', resolve),
    );
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '';
    const forwarded = originOf(url) === this.allowedOrigin;
    this.requests.push({
      method: req.method ?? 'GET',
      url,
      headers: req.headers,
      forwarded,
    });
    if (!forwarded) {
      req.resume();
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`not the gateway: ${url}`);
      return;
    }
    const outgoing = httpRequest(url, {
      method: req.method,
      headers: withoutHopByHop(req.headers),
    });
    outgoing.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
      answer.pipe(res);
    });
    outgoing.on('error', () => res.destroy());
    res.on('close', () => {
      if (!res.writableFinished) {
        outgoing.destroy();
      }
    });
    req.pipe(outgoing);
  }
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)),
  );
}
