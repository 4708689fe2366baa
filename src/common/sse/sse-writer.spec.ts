import {
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { Observable, of, Subject, throwError } from 'rxjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  GatewayException,
  toOpenAiError,
} from '../errors/gateway.exception.js';
import { FlowControl } from './flow-control.js';
import {
  dataFrame,
  namedFrame,
  writeSse,
  type SseFormat,
  type SseWriteOptions,
} from './sse-writer.js';

const format: SseFormat<unknown> = {
  // Bytes stand for frames forwarded as the upstream wrote them.
  frame: (event) => (event instanceof Uint8Array ? event : dataFrame(event)),
  errorFrame: (error) => dataFrame(toOpenAiError(error).body),
  trailer: 'data: [DONE]\n\n',
};

/** What the next request to /sse streams, and what came of it. */
interface Scenario {
  events$: Observable<unknown>;
  flow: FlowControl;
  result?: Promise<void>;
  /** When set, every body write and end on the raw response, in order. */
  writes?: string[];
  /** With `writes`, the chunks themselves, as the response was given them. */
  chunks?: unknown[];
  /** When set, the buffers of each write to the socket (one syscall each). */
  socketWrites?: number[];
  options?: SseWriteOptions;
}

/** Records the raw response's body writes and its end into `writes` (and `chunks`). */
function recordWrites(
  raw: ServerResponse,
  writes: string[],
  chunks: unknown[] = [],
): void {
  const write = raw.write.bind(raw) as (chunk: unknown) => boolean;
  const end = raw.end.bind(raw) as (chunk?: unknown) => ServerResponse;
  raw.write = ((chunk: unknown) => {
    writes.push(`write ${chunk as string}`);
    chunks.push(chunk);
    return write(chunk);
  }) as typeof raw.write;
  raw.end = ((chunk?: unknown) => {
    writes.push(chunk === undefined ? 'end' : `end ${chunk as string}`);
    chunks.push(chunk);
    return end(chunk);
  }) as typeof raw.end;
}

const SOCKET_WRITES = Symbol('socket writes');

/** Records into `writes` how many buffers each write to the response's socket joins. */
function recordSocketWrites(raw: ServerResponse, writes: number[]): void {
  const socket = raw.socket as unknown as {
    [SOCKET_WRITES]?: number[];
    _writev: (chunks: unknown[], done: unknown) => void;
    _write: (chunk: unknown, encoding: unknown, done: unknown) => void;
  };
  // A kept-alive socket is wrapped once, and records for its latest request.
  if (socket[SOCKET_WRITES] === undefined) {
    const writev = socket._writev.bind(socket);
    const write = socket._write.bind(socket);
    socket._writev = (chunks, done) => {
      socket[SOCKET_WRITES]?.push(chunks.length);
      writev(chunks, done);
    };
    socket._write = (chunk, encoding, done) => {
      socket[SOCKET_WRITES]?.push(1);
      write(chunk, encoding, done);
    };
  }
  socket[SOCKET_WRITES] = writes;
}

describe(writeSse.name, () => {
  let app: FastifyInstance;
  let url: string;
  let scenario: Scenario;

  beforeAll(async () => {
    app = Fastify();
    app.addHook('onRequest', (_request, reply, done) => {
      void reply.header('x-request-id', 'req-1');
      done();
    });
    app.get('/sse', async (_request, reply) => {
      if (scenario.writes) {
        recordWrites(reply.raw, scenario.writes, scenario.chunks);
      }
      if (scenario.socketWrites) {
        recordSocketWrites(reply.raw, scenario.socketWrites);
      }
      scenario.result = writeSse(
        reply,
        scenario.events$,
        format,
        scenario.flow,
        scenario.options,
      );
      try {
        await scenario.result;
      } catch (error) {
        // Before the first byte, an error is an ordinary HTTP answer.
        return reply.status(502).send({ failed: (error as Error).message });
      }
      return reply;
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/sse`;
  });
  afterAll(() => app.close());
  beforeEach(() => {
    scenario = { events$: of(), flow: new FlowControl() };
  });

  it('writes each event as a frame, then the trailer, with SSE headers', async () => {
    const source = new Subject<unknown>();
    scenario.events$ = source;
    const response = fetch(url);
    await waitForSubscriber(source);
    source.next({ n: 1 });
    source.next({ n: 2 });
    source.complete();
    const answer = await response;
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe(
      'text/event-stream; charset=utf-8',
    );
    expect(answer.headers.get('cache-control')).toBe('no-cache');
    expect(answer.headers.get('x-accel-buffering')).toBe('no');
    // Headers set before the hijack survive it.
    expect(answer.headers.get('x-request-id')).toBe('req-1');
    expect(await answer.text()).toBe(
      'data: {"n":1}\n\ndata: {"n":2}\n\ndata: [DONE]\n\n',
    );
    await expect(scenario.result).resolves.toBeUndefined();
  });

  it('sends the frames of one batch of promise jobs in one write, with the end of the body', async () => {
    // As a stream's end reaches the writer: events over several promise
    // steps (closing items, storing the response, the terminal event).
    scenario.writes = [];
    scenario.events$ = new Observable<unknown>((subscriber) => {
      void (async () => {
        await Promise.resolve();
        subscriber.next({ n: 1 });
        await Promise.resolve();
        await Promise.resolve();
        subscriber.next({ n: 2 });
        subscriber.complete();
      })();
    });
    const answer = await fetch(url);
    const all = 'data: {"n":1}\n\ndata: {"n":2}\n\ndata: [DONE]\n\n';
    expect(await answer.text()).toBe(all);
    expect(scenario.writes).toEqual([`end ${all}`]);
  });

  it('sends frames written from a tick job with the end that promise jobs bring after them, in one write', async () => {
    // As an upstream body is read: its frames come from a process.nextTick
    // job (one socket read), the end of the stream from the promise jobs
    // that follow the body's 'end'.
    scenario.writes = [];
    scenario.events$ = new Observable<unknown>((subscriber) => {
      process.nextTick(() => {
        subscriber.next({ n: 1 });
        subscriber.next({ n: 2 });
        void (async () => {
          await Promise.resolve();
          await Promise.resolve();
          subscriber.complete();
        })();
      });
    });
    const answer = await fetch(url);
    const all = 'data: {"n":1}\n\ndata: {"n":2}\n\ndata: [DONE]\n\n';
    expect(await answer.text()).toBe(all);
    expect(scenario.writes).toEqual([`end ${all}`]);
  });

  it('writes a frame at once, not waiting for the next one', async () => {
    scenario.writes = [];
    const source = new Subject<unknown>();
    scenario.events$ = source;
    const response = fetch(url);
    await waitForSubscriber(source);
    source.next({ n: 1 });
    // The client reads the first frame before the second exists.
    const answer = await response;
    const reader = answer.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value).toString()).toBe('data: {"n":1}\n\n');
    source.next({ n: 2 });
    source.complete();
    let rest = '';
    for (
      let part = await reader.read();
      !part.done;
      part = await reader.read()
    ) {
      rest += Buffer.from(part.value).toString();
    }
    expect(rest).toBe('data: {"n":2}\n\ndata: [DONE]\n\n');
    expect(scenario.writes).toEqual([
      'write data: {"n":1}\n\n',
      'end data: {"n":2}\n\ndata: [DONE]\n\n',
    ]);
  });

  it('writes frames given as bytes and as text of one batch together, in order', async () => {
    scenario.writes = [];
    const text = 'data: {"n":"é"}\n\n';
    const bytes = Buffer.from(text);
    scenario.events$ = new Observable<unknown>((subscriber) => {
      void Promise.resolve().then(() => {
        subscriber.next(bytes);
        subscriber.next({ n: 2 });
        subscriber.next(bytes);
        subscriber.complete();
      });
    });
    const answer = await fetch(url);
    const all = `${text}data: {"n":2}\n\n${text}data: [DONE]\n\n`;
    expect(await answer.text()).toBe(all);
    expect(scenario.writes).toEqual([`end ${all}`]);
  });

  it('hands long frames of bytes to the response as they are, in one socket write with the rest', async () => {
    scenario.writes = [];
    scenario.chunks = [];
    scenario.socketWrites = [];
    const long = (n: number) =>
      Buffer.from(`data: {"n":"${String(n).repeat(5000)}"}\n\n`);
    const [first, second] = [long(1), long(3)];
    scenario.events$ = new Observable<unknown>((subscriber) => {
      void Promise.resolve().then(() => {
        subscriber.next(first);
        subscriber.next({ n: 2 });
        subscriber.next(second);
        subscriber.complete();
      });
    });
    const answer = await fetch(url);
    const text = (bytes: Buffer) => bytes.toString();
    expect(await answer.text()).toBe(
      `${text(first)}data: {"n":2}\n\n${text(second)}data: [DONE]\n\n`,
    );
    expect(scenario.writes).toEqual([
      `write ${text(first)}`,
      'write data: {"n":2}\n\n',
      `write ${text(second)}`,
      'end data: [DONE]\n\n',
    ]);
    expect(scenario.chunks[0]).toBe(first);
    expect(scenario.chunks[2]).toBe(second);
    expect(scenario.socketWrites).toHaveLength(1);
  });

  it('flushes a turn of long bytes and texts in one socket write before the stream ends', async () => {
    scenario.writes = [];
    scenario.socketWrites = [];
    const source = new Subject<unknown>();
    scenario.events$ = source;
    const response = fetch(url);
    await waitForSubscriber(source);
    const long = Buffer.from(`data: {"n":"${'x'.repeat(5000)}"}\n\n`);
    source.next(long);
    source.next({ n: 2 });
    source.next(long);
    const reader = (await response).body!.getReader();
    const expected = `${long.toString()}data: {"n":2}\n\n${long.toString()}`;
    let got = '';
    while (got.length < expected.length) {
      const part = await reader.read();
      got += Buffer.from(part.value).toString();
    }
    expect(got).toBe(expected);
    expect(scenario.writes).toHaveLength(3);
    expect(scenario.socketWrites).toHaveLength(1);
    source.complete();
    await reader.read();
  });

  it('joins a batch of many short runs of bytes and texts into one piece', async () => {
    scenario.writes = [];
    const text = 'data: {"n":"é"}\n\n';
    scenario.events$ = new Observable<unknown>((subscriber) => {
      void Promise.resolve().then(() => {
        for (let n = 0; n < 10; n += 1) {
          subscriber.next(Buffer.from(text));
          subscriber.next({ n });
        }
        subscriber.complete();
      });
    });
    const answer = await fetch(url);
    const frames = Array.from(
      { length: 10 },
      (_, n) => `${text}data: {"n":${n}}\n\n`,
    ).join('');
    const all = `${frames}data: [DONE]\n\n`;
    expect(await answer.text()).toBe(all);
    expect(scenario.writes).toEqual([`end ${all}`]);
  });

  it('writes once per batch, however many frames it holds', async () => {
    scenario.writes = [];
    const source = new Subject<unknown>();
    scenario.events$ = source;
    const response = fetch(url);
    await waitForSubscriber(source);
    for (let n = 0; n < 500; n += 1) {
      // A Responses text delta frame is about 220 characters.
      source.next({ n, text: 'x'.repeat(200) });
    }
    await new Promise((resolve) => setImmediate(resolve));
    source.next({ n: 500 });
    source.complete();
    await (await response).text();
    expect(scenario.writes.map((entry) => entry.split(' ')[0])).toEqual([
      'write',
      'end',
    ]);
  });

  it('handles a source that completes synchronously', async () => {
    scenario.events$ = of('a', 'b');
    const answer = await fetch(url);
    expect(await answer.text()).toBe(
      'data: "a"\n\ndata: "b"\n\ndata: [DONE]\n\n',
    );
  });

  it('writes only the trailer for an empty stream', async () => {
    scenario.events$ = of();
    const answer = await fetch(url);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('data: [DONE]\n\n');
  });

  it('rejects before the first event, leaving the reply to the caller', async () => {
    scenario.events$ = throwError(
      () => new GatewayException('upstream_unreachable', 'no upstream'),
    );
    const answer = await fetch(url);
    expect(answer.status).toBe(502);
    expect(answer.headers.get('content-type')).toContain('application/json');
    expect(await answer.json()).toEqual({ failed: 'no upstream' });
    await expect(scenario.result).rejects.toBeInstanceOf(GatewayException);
  });

  it('ends with one error frame, and no trailer, after the first event', async () => {
    const source = new Subject<unknown>();
    scenario.events$ = source;
    const response = fetch(url);
    await waitForSubscriber(source);
    source.next({ n: 1 });
    source.error(new GatewayException('upstream_timeout', 'too slow'));
    const answer = await response;
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe(
      'data: {"n":1}\n\n' +
        'data: {"error":{"message":"too slow","type":"upstream_error","param":null,"code":"upstream_timeout"}}\n\n',
    );
    await expect(scenario.result).resolves.toBeUndefined();
  });

  it('renders a non-gateway error after the first event as an internal error', async () => {
    const source = new Subject<unknown>();
    scenario.events$ = source;
    const response = fetch(url);
    await waitForSubscriber(source);
    source.next('x');
    source.error(new Error('secret internals'));
    const text = await (await response).text();
    expect(text).toContain('"code":"internal"');
    expect(text).not.toContain('secret internals');
  });

  it('unsubscribes when the client goes away, and resolves', async () => {
    let tornDown!: () => void;
    const teardown = new Promise<void>((resolve) => (tornDown = resolve));
    let emit!: (value: unknown) => void;
    scenario.events$ = new Observable<unknown>((subscriber) => {
      emit = (value) => subscriber.next(value);
      subscriber.next({ n: 1 });
      return tornDown;
    });
    const response = await openStream(url);
    await firstData(response);
    response.destroy();
    await teardown;
    await expect(scenario.result).resolves.toBeUndefined();
    // Late events from a source that ignores the unsubscribe go nowhere.
    expect(() => emit({ n: 2 })).not.toThrow();
  });

  it('writes comments until the first event, and none after it', async () => {
    const source = new Subject<unknown>();
    const comments = new Subject<string>();
    scenario.events$ = source;
    scenario.options = { comments };
    const response = fetch(url);
    await waitForSubscriber(source);
    comments.next('keepalive');
    comments.next('keepalive');
    source.next({ n: 1 });
    comments.next('too late');
    source.complete();
    const answer = await response;
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe(
      ': keepalive\n\n: keepalive\n\ndata: {"n":1}\n\ndata: [DONE]\n\n',
    );
    expect(comments.observed).toBe(false);
  });

  it('after a comment, a failure is an error frame: the status is out', async () => {
    const source = new Subject<unknown>();
    const comments = new Subject<string>();
    scenario.events$ = source;
    scenario.options = { comments };
    const response = fetch(url);
    await waitForSubscriber(source);
    comments.next('keepalive');
    source.error(new GatewayException('upstream_timeout', 'too slow'));
    const answer = await response;
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe(
      ': keepalive\n\n' +
        'data: {"error":{"message":"too slow","type":"upstream_error","param":null,"code":"upstream_timeout"}}\n\n',
    );
    expect(comments.observed).toBe(false);
  });

  it('pauses the flow when the socket is full and resumes it on drain', async () => {
    const source = new Subject<unknown>();
    scenario.events$ = source;
    const response = await openStreamWith(url, async () => {
      await waitForSubscriber(source);
      source.next({ n: 0 });
    });
    response.pause();
    expect(scenario.flow.paused).toBe(false);
    source.next({ big: 'x'.repeat(4 * 1024 * 1024) });
    expect(scenario.flow.paused).toBe(true);
    const ready = scenario.flow.ready();
    expect(ready).toBeInstanceOf(Promise);
    // Reading lets the socket drain.
    const body = readAll(response);
    await ready;
    expect(scenario.flow.paused).toBe(false);
    source.complete();
    const text = await body;
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text.length).toBeGreaterThan(4 * 1024 * 1024);
  });
});

/** Resolves once the request reached the route and subscribed. */
async function waitForSubscriber(source: Subject<unknown>): Promise<void> {
  while (!source.observed) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A GET whose response is handed back as soon as its headers arrive. */
function openStream(url: string): Promise<IncomingMessage> {
  return openStreamWith(url, () => Promise.resolve());
}

/** Like openStream; `afterSend` runs once the request is out (headers wait for the first event). */
function openStreamWith(
  url: string,
  afterSend: () => Promise<void>,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false }, resolve);
    req.on('error', reject);
    req.end();
    afterSend().catch(reject);
  });
}

function firstData(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) =>
    response.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8'))),
  );
}

async function readAll(response: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of response) {
    text += (chunk as Buffer).toString('utf8');
  }
  return text;
}

describe(namedFrame.name, () => {
  it('writes an event line and a data line', () => {
    expect(namedFrame('response.created', { a: 1 })).toBe(
      'event: response.created\ndata: {"a":1}\n\n',
    );
  });
});
