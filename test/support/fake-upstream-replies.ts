import type { ServerResponse } from 'node:http';

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
      /** Hold once, before the chunk at `index`, until `until` resolves (a test's gate). */
      holdBefore?: { index: number; until: Promise<void> };
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

/** Answers one chat completion request as `reply` scripts it. */
export async function writeReply(
  res: ServerResponse,
  reply: FakeReply,
): Promise<void> {
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
      await writeStream(res, reply);
      return;
  }
}

async function writeStream(
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
    if (reply.disconnectAfter !== undefined && sent >= reply.disconnectAfter) {
      res.socket?.destroy();
      return;
    }
    if (reply.pauseBefore?.index === sent) {
      await sleep(reply.pauseBefore.ms);
    }
    if (reply.holdBefore?.index === sent) {
      await reply.holdBefore.until;
      if (res.destroyed) {
        return;
      }
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

/** `/v1/echo-stream`: `{"n":i}` events, then `[DONE]`. */
export async function writeEchoStream(
  res: ServerResponse,
  url: string,
): Promise<void> {
  // `?count=N&intervalMs=M` make a longer or slower stream (default 5 × 20 ms);
  // `delayMs=D` holds the headers back that long.
  const query = new URL(url, 'http://fake').searchParams;
  const count = Number(query.get('count') ?? 5);
  const intervalMs = Number(query.get('intervalMs') ?? 20);
  await sleepWhileOpen(res, Number(query.get('delayMs') ?? 0));
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (let i = 0; i < count && !res.destroyed; i++) {
    res.write(`data: {"n":${i}}\n\n`);
    await sleepWhileOpen(res, intervalMs);
  }
  res.end('data: [DONE]\n\n');
}

/** A JSON answer with its length. */
export function sendJson(
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

function sleep(ms: number): Promise<void> {
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
