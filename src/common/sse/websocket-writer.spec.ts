import { EventEmitter } from 'node:events';
import { Observable, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { FlowControl } from './flow-control.js';
import { writeWebSocket, type WebSocketFormat } from './websocket-writer.js';

/** The part of a `ws` socket the writer uses. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  readonly callbacks: (() => void)[] = [];

  send(text: string, callback: () => void): void {
    this.sent.push(text);
    this.callbacks.push(callback);
  }

  asWebSocket(): WebSocket {
    return this as unknown as WebSocket;
  }
}

const format: WebSocketFormat<number> = {
  frame: (n) => JSON.stringify({ n }),
  errorFrame: (error) => JSON.stringify({ error: error.message }),
};

describe(writeWebSocket.name, () => {
  it('sends one text frame per event and resolves completed', async () => {
    const socket = new FakeSocket();
    const sut = writeWebSocket(
      socket.asWebSocket(),
      new Observable<number>((s) => {
        s.next(1);
        s.next(2);
        s.complete();
      }),
      format,
    );
    await expect(sut).resolves.toBe('completed');
    expect(socket.sent).toEqual(['{"n":1}', '{"n":2}']);
  });

  it('ends an erroring stream with one error frame; the socket stays open', async () => {
    const socket = new FakeSocket();
    const events$ = new Subject<number>();
    const sut = writeWebSocket(socket.asWebSocket(), events$, format);
    events$.next(1);
    events$.error(new Error('boom'));
    await expect(sut).resolves.toBe('errored');
    expect(socket.sent).toHaveLength(2);
    expect(JSON.parse(socket.sent[1]!)).toHaveProperty('error');
    expect(socket.listenerCount('close')).toBe(0);
  });

  it('unsubscribes (aborting the upstream) when the socket closes', async () => {
    const socket = new FakeSocket();
    let tornDown = false;
    const sut = writeWebSocket(
      socket.asWebSocket(),
      new Observable<number>(() => () => (tornDown = true)),
      format,
    );
    socket.readyState = 3;
    socket.emit('close');
    await expect(sut).resolves.toBe('closed');
    expect(tornDown).toBe(true);
  });

  it('pauses the flow above the high-water mark and resumes once drained', async () => {
    const socket = new FakeSocket();
    const flow = new FlowControl();
    const events$ = new Subject<number>();
    const sut = writeWebSocket(socket.asWebSocket(), events$, format, flow);
    socket.bufferedAmount = 2 * 1024 * 1024;
    events$.next(1);
    expect(flow.paused).toBe(true);
    socket.callbacks[0]!();
    expect(flow.paused).toBe(true);
    socket.bufferedAmount = 0;
    socket.callbacks[0]!();
    expect(flow.paused).toBe(false);
    events$.complete();
    await expect(sut).resolves.toBe('completed');
  });
});
