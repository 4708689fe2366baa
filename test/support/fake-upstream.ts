import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { completion, textStream } from './chat-chunks.js';

/** What the fake upstream does with one chat completion request. */
export type FakeReply =
  | {
      kind: 'json';
      body: unknown;
      status?: number;
      delayMs?: number;
      headers?: Record<string, string>;
    }
  | {
      kind: 'stream';
      chunks: (Record<string, unknown> | string)[];
      /** Milliseconds between two chunks (default 0). */
      intervalMs?: number;
      /** Send `data: [DONE]` at the end (default true). */
      done?: boolean;
      /** After this many chunks, stop sending but keep the connection open. */
      stallAfter?: number;
      /** After this many chunks, destroy the socket. */
      disconnectAfter?: number;
      /** Pause once, before the chunk at `index`, for `ms`. */
      pauseBefore?: { index: number; ms: number };
    }
  | {
      kind: 'error';
      status: number;
      body?: unknown;
      headers?: Record<string, string>;
    }
  /**
   * Exactly these bytes, as a real server wrote them (test/support/dialects/).
   * A string[] is written as that many separate writes, so a test can split
   * the byte stream anywhere, even inside an SSE frame. `headers` must name
   * the content-type: nothing is added.
   */
  | {
      kind: 'raw';
      status: number;
      headers?: Record<string, string>;
      body: string | string[];
    }
  /** Accept the request and never answer. */
  | { kind: 'stall' }
  /** Destroy the socket without answering. */
  | { kind: 'destroy' };

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
      await this.reply(res, this.nextReply(record));
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
      // `?count=N&intervalMs=M` make a longer or slower stream (default 5 × 20 ms);
      // `delayMs=D` holds the headers back that long.
      const query = new URL(record.url, 'http://fake').searchParams;
      const count = Number(query.get('count') ?? 5);
      const intervalMs = Number(query.get('intervalMs') ?? 20);
      await sleepWhileOpen(res, Number(query.get('delayMs') ?? 0));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < count && !res.destroyed; i++) {
        res.write(`data: {"n":${i}}\n\n`);
        await sleepWhileOpen(res, intervalMs);
      }
      res.end('data: [DONE]\n\n');
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

  private async reply(res: ServerResponse, reply: FakeReply): Promise<void> {
    switch (reply.kind) {
      case 'json':
        if (reply.delayMs) {
          await sleepWhileOpen(res, reply.delayMs);
        }
        sendJson(res, reply.status ?? 200, reply.body, reply.headers);
        return;
      case 'error':
        if (reply.body === undefined) {
          res.writeHead(reply.status, reply.headers).end();
        } else if (typeof reply.body === 'string') {
          res
            .writeHead(reply.status, {
              'content-type': 'text/plain',
              ...reply.headers,
            })
            .end(reply.body);
        } else {
          sendJson(res, reply.status, reply.body, reply.headers);
        }
        return;
      case 'raw':
        await writeRaw(res, reply);
        return;
      case 'stall':
        return;
      case 'destroy':
        res.socket?.destroy();
        return;
      case 'stream':
        await this.stream(res, reply);
        return;
    }
  }

  private async stream(
    res: ServerResponse,
    reply: Extract<FakeReply, { kind: 'stream' }>,
  ): Promise<void> {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
    });
    let sent = 0;
    for (const item of reply.chunks) {
      if (res.destroyed) {
        return;
      }
      if (reply.stallAfter !== undefined && sent >= reply.stallAfter) {
        return;
      }
      if (
        reply.disconnectAfter !== undefined &&
        sent >= reply.disconnectAfter
      ) {
        res.socket?.destroy();
        return;
      }
      if (reply.pauseBefore?.index === sent) {
        await sleep(reply.pauseBefore.ms);
      }
      res.write(
        typeof item === 'string' ? item : `data: ${JSON.stringify(item)}\n\n`,
      );
      sent++;
      if (reply.intervalMs) {
        await sleep(reply.intervalMs);
      }
    }
    if (reply.stallAfter !== undefined && sent >= reply.stallAfter) {
      return;
    }
    // disconnectAfter equal to the number of chunks: every chunk, then no end.
    if (reply.disconnectAfter !== undefined && sent >= reply.disconnectAfter) {
      res.socket?.destroy();
      return;
    }
    res.end(reply.done === false ? undefined : 'data: [DONE]\n\n');
  }
}

/** Writes a `raw` reply part by part, yielding to the event loop in between. */
async function writeRaw(
  res: ServerResponse,
  reply: Extract<FakeReply, { kind: 'raw' }>,
): Promise<void> {
  res.writeHead(reply.status, reply.headers);
  const parts = typeof reply.body === 'string' ? [reply.body] : reply.body;
  for (const part of parts) {
    if (res.destroyed) {
      return;
    }
    res.write(part);
    // Let the socket flush, so the client sees separate reads.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  res.end();
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

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
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

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sleeps `ms`, or less when the client goes away first (no timer outlives it). */
function sleepWhileOpen(res: ServerResponse, ms: number): Promise<void> {
  if (res.destroyed) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.once('close', done);
  });
}
