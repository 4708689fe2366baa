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
  readonly callbacks: ((error?: Error) => void)[] = [];

  send(text: string, callback: (error?: Error) => void): void {
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

  describe('a lost stream', () => {
    /** A logger that keeps its lines. */
    const recordingLog = () => {
      const lines: { level: string; msg: string }[] = [];
      const line =
        (level: string) =>
        (...args: unknown[]): void => {
          lines.push({ level, msg: String(args.at(-1)) });
        };
      return { lines, log: { info: line('info'), warn: line('warn') } };
    };

    it('logs a frame that could not be sent, once', async () => {
      const socket = new FakeSocket();
      const { lines, log } = recordingLog();
      const events$ = new Subject<number>();
      const sut = writeWebSocket(
        socket.asWebSocket(),
        events$,
        format,
        undefined,
        log as never,
      );
      events$.next(1);
      events$.next(2);
      socket.callbacks[0]!(new Error('write EPIPE'));
      socket.callbacks[1]!(new Error('write EPIPE'));
      events$.complete();
      await sut;
      expect(lines).toEqual([
        {
          level: 'warn',
          msg: 'the WebSocket closed before the stream ended: write EPIPE',
        },
      ]);
    });

    it('logs a socket that closes mid-stream, and nothing for a stream that ended', async () => {
      const socket = new FakeSocket();
      const { lines, log } = recordingLog();
      const done = writeWebSocket(
        socket.asWebSocket(),
        new Observable<number>((s) => s.complete()),
        format,
        undefined,
        log as never,
      );
      await expect(done).resolves.toBe('completed');
      expect(lines).toEqual([]);

      const sut = writeWebSocket(
        socket.asWebSocket(),
        new Subject<number>(),
        format,
        undefined,
        log as never,
      );
      socket.readyState = 3;
      socket.emit('close');
      await expect(sut).resolves.toBe('closed');
      expect(lines).toEqual([
        { level: 'info', msg: 'the WebSocket closed before the stream ended' },
      ]);
    });
  });
});
