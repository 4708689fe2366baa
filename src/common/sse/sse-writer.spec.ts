import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Observable, of, Subject, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { GatewayException } from '../errors/gateway.exception.js';
import {
  useSseTestServer,
  waitForSubscriber,
} from './sse-test-server.test-support.js';
import { namedFrame, writeSse } from './sse-writer.js';

describe(writeSse.name, () => {
  const server = useSseTestServer();

  it('writes each event as a frame, then the trailer, with SSE headers', async () => {
    const { source, response } = await server.subjectStream();
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
    await expect(server.scenario.result).resolves.toBeUndefined();
  });

  it('handles a source that completes synchronously', async () => {
    server.scenario.events$ = of('a', 'b');
    const answer = await fetch(server.url);
    expect(await answer.text()).toBe(
      'data: "a"\n\ndata: "b"\n\ndata: [DONE]\n\n',
    );
  });

  it('writes only the trailer for an empty stream', async () => {
    server.scenario.events$ = of();
    const answer = await fetch(server.url);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe('data: [DONE]\n\n');
  });

  it('rejects before the first event, leaving the reply to the caller', async () => {
    server.scenario.events$ = throwError(
      () => new GatewayException('upstream_unreachable', 'no upstream'),
    );
    const answer = await fetch(server.url);
    expect(answer.status).toBe(502);
    expect(answer.headers.get('content-type')).toContain('application/json');
    expect(await answer.json()).toEqual({ failed: 'no upstream' });
    await expect(server.scenario.result).rejects.toBeInstanceOf(
      GatewayException,
    );
  });

  it('ends with one error frame, and no trailer, after the first event', async () => {
    const { source, response } = await server.subjectStream();
    source.next({ n: 1 });
    source.error(new GatewayException('upstream_timeout', 'too slow'));
    const answer = await response;
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe(
      'data: {"n":1}\n\n' +
        'data: {"error":{"message":"too slow","type":"upstream_error","param":null,"code":"upstream_timeout"}}\n\n',
    );
    await expect(server.scenario.result).resolves.toBeUndefined();
  });

  it('renders a non-gateway error after the first event as an internal error', async () => {
    const { source, response } = await server.subjectStream();
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
    server.scenario.events$ = new Observable<unknown>((subscriber) => {
      emit = (value) => subscriber.next(value);
      subscriber.next({ n: 1 });
      return tornDown;
    });
    const response = await openStream(server.url);
    await firstData(response);
    response.destroy();
    await teardown;
    await expect(server.scenario.result).resolves.toBeUndefined();
    // Late events from a source that ignores the unsubscribe go nowhere.
    expect(() => emit({ n: 2 })).not.toThrow();
  });

  it('writes comments until the first event, and none after it', async () => {
    const source = new Subject<unknown>();
    const comments = new Subject<string>();
    server.scenario.events$ = source;
    server.scenario.options = { comments };
    const response = fetch(server.url);
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
    server.scenario.events$ = source;
    server.scenario.options = { comments };
    const response = fetch(server.url);
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
    server.scenario.events$ = source;
    const response = await openStreamWith(server.url, async () => {
      await waitForSubscriber(source);
      source.next({ n: 0 });
    });
    response.pause();
    expect(server.scenario.flow.paused).toBe(false);
    source.next({ big: 'x'.repeat(4 * 1024 * 1024) });
    expect(server.scenario.flow.paused).toBe(true);
    const ready = server.scenario.flow.ready();
    expect(ready).toBeInstanceOf(Promise);
    // Reading lets the socket drain.
    const body = readAll(response);
    await ready;
    expect(server.scenario.flow.paused).toBe(false);
    source.complete();
    const text = await body;
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text.length).toBeGreaterThan(4 * 1024 * 1024);
  });
});

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
