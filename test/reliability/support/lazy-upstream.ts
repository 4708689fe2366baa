import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What became of one request to a LazyUpstream. */
export interface LazyCall {
  /** Body bytes the script wrote (what the socket accepted, at least queued). */
  written: number;
  /** True when the gateway closed the connection before the answer ended. */
  aborted: boolean;
}

/** Answers one request by writing to `res`, piece by piece, until it is done or the gateway leaves. */
export type LazyScript = (res: ServerResponse, call: LazyCall) => Promise<void>;

/**
 * A Chat Completions upstream driven by a script per test, for answers too
 * large or too slow to prepare in advance: a 200 MB SSE line is written
 * 64 KiB at a time, honouring backpressure, and writing stops as soon as
 * the gateway hangs up. Every request is recorded with the bytes it got
 * and whether the gateway aborted it.
 */
export class LazyUpstream {
  readonly calls: LazyCall[] = [];
  private script: LazyScript = (res) => {
    res.writeHead(404).end();
    return Promise.resolve();
  };
  private readonly sockets = new Set<Socket>();
  private server!: Server;

  static async start(): Promise<LazyUpstream> {
    const upstream = new LazyUpstream();
    upstream.server = createServer((req, res) => {
      upstream.serve(req, res).catch(() => res.destroy());
    });
    upstream.server.on('connection', (socket) => {
      upstream.sockets.add(socket);
      socket.on('close', () => upstream.sockets.delete(socket));
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

  /** Scripts the next requests; forgets the calls so far. */
  use(script: LazyScript): void {
    this.script = script;
    this.calls.length = 0;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse) {
    for await (const _ of req) {
      // Drain the request body.
    }
    const call: LazyCall = { written: 0, aborted: false };
    this.calls.push(call);
    res.on('close', () => {
      call.aborted ||= !res.writableFinished;
    });
    await this.script(res, call);
  }
}

/**
 * Writes what `next()` returns until it returns undefined or the gateway
 * leaves, waiting for 'drain' whenever the socket buffer is full, so
 * nothing larger than a socket buffer is ever held. Resolves true when
 * every piece was written.
 */
export async function writeLazily(
  res: ServerResponse,
  call: LazyCall,
  next: () => string | undefined,
): Promise<boolean> {
  for (let piece = next(); piece !== undefined; piece = next()) {
    if (res.destroyed) {
      return false;
    }
    call.written += Buffer.byteLength(piece);
    if (!res.write(piece)) {
      await whenDrainedOrClosed(res);
    }
  }
  return !res.destroyed;
}

/**
 * `count` pieces of `pieceBytes` bytes: the first is `head`, padded with
 * `x`, the rest are all `x` (one unterminated line, or one JSON string).
 */
export function pieces(
  head: string,
  count: number,
  pieceBytes = 64 * 1024,
): () => string | undefined {
  const filler = 'x'.repeat(pieceBytes);
  let index = 0;
  return () => {
    if (index >= count) {
      return undefined;
    }
    index += 1;
    return index === 1 ? head + filler.slice(head.length) : filler;
  };
}

/** Resolves after `ms`, or at once when the gateway has left (no timer outlives it). */
export function pauseWhileOpen(res: ServerResponse, ms: number): Promise<void> {
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

/** Writes `piece` every `everyMs` until the gateway leaves. */
export async function repeatUntilClosed(
  res: ServerResponse,
  call: LazyCall,
  piece: () => string,
  everyMs: number,
): Promise<void> {
  while (!res.destroyed) {
    const text = piece();
    call.written += Buffer.byteLength(text);
    res.write(text);
    await pauseWhileOpen(res, everyMs);
  }
}

function whenDrainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
