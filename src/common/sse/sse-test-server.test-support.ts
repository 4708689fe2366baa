import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { type Observable, of, Subject } from 'rxjs';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { toOpenAiError } from '../errors/gateway.exception.js';
import { FlowControl } from './flow-control.js';
import {
  dataFrame,
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
export interface SseScenario {
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

/** Resolves once the request reached the route and subscribed. */
export async function waitForSubscriber(
  source: Subject<unknown>,
): Promise<void> {
  while (!source.observed) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A test server whose GET /sse writes the current scenario with writeSse. */
export interface SseTestServer {
  readonly url: string;
  /** Fresh for each test. */
  readonly scenario: SseScenario;
  /** A request to /sse whose events are a Subject, once the writer subscribed to it. */
  subjectStream(): Promise<{
    source: Subject<unknown>;
    response: Promise<Response>;
  }>;
}

/**
 * Starts the server for the enclosing describe block (vitest hooks): a
 * Fastify app on a real socket, GET /sse streaming the scenario's events,
 * and answering a failure before the first byte with a 502.
 */
export function useSseTestServer(): SseTestServer {
  let app: FastifyInstance;
  let url = '';
  let scenario: SseScenario;
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
  return {
    get url() {
      return url;
    },
    get scenario() {
      return scenario;
    },
    async subjectStream() {
      const source = new Subject<unknown>();
      scenario.events$ = source;
      const response = fetch(url);
      await waitForSubscriber(source);
      return { source, response };
    },
  };
}
