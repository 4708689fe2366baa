import WebSocket from 'ws';

/** A frame the gateway sent on a Responses WebSocket. */
export type SocketEvent = Record<string, unknown> & {
  type: string;
  sequence_number?: number;
};

const TERMINAL = new Set([
  'response.completed',
  'response.failed',
  'response.incomplete',
  'error',
]);

/**
 * A `ws` client in Responses WebSocket mode: `turn(body)` sends one
 * `response.create` and resolves with every frame up to and including the
 * terminal one (or an `error` frame).
 */
export class ResponsesSocket {
  private readonly frames: SocketEvent[] = [];
  private readonly waiters: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    // With the default binaryType, a text frame arrives as one Buffer.
    socket.on('message', (data: WebSocket.RawData) => {
      this.frames.push(
        JSON.parse((data as Buffer).toString('utf8')) as SocketEvent,
      );
      this.waiters.splice(0).forEach((wake) => wake());
    });
  }

  /** Opens `ws://…/v1/responses`; rejects when the upgrade is refused. */
  static open(
    httpUrl: string,
    headers: Record<string, string> = {},
    path = '/v1/responses',
  ): Promise<ResponsesSocket> {
    const socket = new WebSocket(`${httpUrl.replace(/^http/, 'ws')}${path}`, {
      headers,
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new ResponsesSocket(socket)));
      socket.once('unexpected-response', (request, response) => {
        request.destroy();
        reject(new Error(`upgrade refused: ${response.statusCode}`));
      });
      socket.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.socket.send(
      typeof message === 'string' ? message : JSON.stringify(message),
    );
  }

  /** Sends `response.create` with `body` and collects the turn's frames. */
  async turn(body: Record<string, unknown>): Promise<SocketEvent[]> {
    this.send({ type: 'response.create', ...body });
    return this.next();
  }

  /** The frames up to the next terminal one. */
  async next(timeoutMs = 10_000): Promise<SocketEvent[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.frames.findIndex((frame) => TERMINAL.has(frame.type));
      if (end >= 0) {
        return this.frames.splice(0, end + 1);
      }
      if (Date.now() > deadline) {
        throw new Error(
          `no terminal frame; got ${this.frames.map((f) => f.type).join(',')}`,
        );
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Resolves once `count` frames (of the current turn) have arrived. */
  async waitForFrames(count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length < count) {
      if (Date.now() > deadline) {
        throw new Error(`expected ${count} frames, got ${this.frames.length}`);
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}

/** The Response of a turn's terminal event. */
export function terminalResponse(
  events: readonly SocketEvent[],
): Record<string, unknown> {
  const last = events.at(-1);
  return (last?.['response'] ?? {}) as Record<string, unknown>;
}
