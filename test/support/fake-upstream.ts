import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { completion, textStream } from './chat-chunks.js';
import {
  sendJson,
  writeEchoStream,
  writeReply,
  type FakeReply,
} from './fake-upstream-replies.js';

export type { FakeReply } from './fake-upstream-replies.js';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** Parsed JSON when the body is JSON, else the raw text. */
  body: any;
  /** True when the client closed the connection before the answer ended. */
  aborted: boolean;
  /** Date.now() when the request's body had arrived. */
  at: number;
}

type Handler = (request: RecordedRequest) => FakeReply;

/**
 * A scripted Chat Completions server on 127.0.0.1 and a random port. It
 * answers chat completions from a queue of scripted replies (or a handler),
 * lists models, echoes every other request, and records every request and
 * every client abort.
 */
export class FakeUpstream {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: FakeReply[] = [];
  private handler: Handler | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly abortWaiters: (() => void)[] = [];
  private peak = 0;
  private server!: Server;
  models = ['fake-model', 'fake-model-2'];

  static async start(): Promise<FakeUpstream> {
    const upstream = new FakeUpstream();
    await upstream.listen();
    return upstream;
  }

  /** Base URL including `/v1`, as OPENAI_BASE_URL_INTERNAL expects. */
  get baseUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/v1`;
  }

  get chatRequests(): RecordedRequest[] {
    return this.requests.filter((r) =>
      r.url.startsWith('/v1/chat/completions'),
    );
  }

  get abortCount(): number {
    return this.requests.filter((r) => r.aborted).length;
  }

  /** Open TCP connections from clients (the gateway's pool). */
  get openSockets(): number {
    return this.sockets.size;
  }

  /** The most connections open at once since start (or the last reset). */
  get peakSockets(): number {
    return this.peak;
  }

  enqueue(...replies: FakeReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  setHandler(handler: Handler | null): this {
    this.handler = handler;
    return this;
  }

  reset(): void {
    this.queue.length = 0;
    this.requests.length = 0;
    this.handler = null;
    this.peak = this.sockets.size;
  }

  /** Resolves once at least `count` requests were aborted by the client. */
  async waitForAborts(count: number, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.abortCount < count) {
      if (Date.now() > deadline) {
        throw new Error(`expected ${count} aborts, saw ${this.abortCount}`);
      }
      await new Promise<void>((resolve) => {
        this.abortWaiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Destroys every open connection, as a crashing upstream would; keeps listening. */
  dropConnections(): void {
    for (const socket of this.sockets) {
      socket.destroy();
    }
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      // A client that aborts its upload mid-body fails readBody: drop it.
      this.onRequest(req, res).catch(() => res.destroy());
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      this.peak = Math.max(this.peak, this.sockets.size);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) =>
      this.server.listen(0, '127.0.0.1', resolve),
    );
  }

  private async onRequest(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const raw = await readBody(req);
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body: parseMaybeJson(raw),
      aborted: false,
      at: Date.now(),
    };
    this.requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) {
        record.aborted = true;
        this.abortWaiters.splice(0).forEach((wake) => wake());
      }
    });
    if (
      record.url.startsWith('/v1/chat/completions') &&
      record.method === 'POST'
    ) {
      await writeReply(res, this.nextReply(record));
      return;
    }
    if (record.url.startsWith('/v1/models') && record.method === 'GET') {
      sendJson(res, 200, {
        object: 'list',
        data: this.models.map((id) => ({
          id,
          object: 'model',
          created: 1_700_000_000,
          owned_by: 'fake',
        })),
      });
      return;
    }
    if (record.url.startsWith('/v1/echo-stream')) {
      await writeEchoStream(res, record.url);
      return;
    }
    sendJson(res, 200, {
      echo: true,
      method: record.method,
      url: record.url,
      headers: record.headers,
      body: raw.toString('utf8'),
      bytes: raw.length,
    });
  }

  private nextReply(record: RecordedRequest): FakeReply {
    const queued = this.queue.shift();
    if (queued) {
      return queued;
    }
    if (this.handler) {
      return this.handler(record);
    }
    return echoReply(record);
  }
}

/** Default behaviour: answer with the text of the last user message. */
function echoReply(record: RecordedRequest): FakeReply {
  const messages = (record.body?.messages ?? []) as {
    role: string;
    content: unknown;
  }[];
  const last = [...messages].reverse().find((m) => m.role === 'user');
  const text = `echo: ${typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '')}`;
  if (record.body?.stream) {
    return {
      kind: 'stream',
      chunks: textStream(text.match(/.{1,8}/gs) ?? [text]),
    };
  }
  return { kind: 'json', body: completion({ content: text }) };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) {
    parts.push(part as Buffer);
  }
  return Buffer.concat(parts);
}

function parseMaybeJson(raw: Buffer): unknown {
  if (raw.length === 0) {
    return undefined;
  }
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
