import { channel } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import type { DiagnosticsChannel } from 'undici';

/**
 * The gateway's side of the connections to one upstream, as undici's
 * diagnostics channels tell them: attempts, the sockets still open, and the
 * connections that carried no request yet stayed open once undici was done
 * with their connect (checked at setImmediate, before any timer can close
 * them).
 */
export class UpstreamConnections {
  attempts = 0;
  settled = 0;
  unused = 0;
  readonly open = new Set<Socket>();
  private readonly carried = new WeakSet<Socket>();
  private readonly listeners: [string, (message: unknown) => void][] = [
    ['undici:client:beforeConnect', (m) => this.onAttempt(m)],
    ['undici:client:connected', (m) => this.onConnected(m)],
    ['undici:client:connectError', (m) => this.onConnectError(m)],
    ['undici:client:sendHeaders', (m) => this.onSendHeaders(m)],
  ];

  constructor(private readonly port: string) {
    for (const [name, listener] of this.listeners) {
      channel(name).subscribe(listener);
    }
  }

  stop(): void {
    for (const [name, listener] of this.listeners) {
      channel(name).unsubscribe(listener);
    }
  }

  /** Whether every attempt has connected or failed, and exactly `sockets` are open. */
  settledTo(sockets: readonly Socket[]): boolean {
    return (
      this.attempts === this.settled &&
      this.open.size === sockets.length &&
      sockets.every((socket) => this.open.has(socket))
    );
  }

  describe(): string {
    return `${this.attempts} attempts, ${this.settled} settled, ${this.open.size} open, ${this.unused} unused`;
  }

  private ours(params: DiagnosticsChannel.ConnectParams): boolean {
    return String(params.port) === this.port;
  }

  private onAttempt(message: unknown): void {
    const { connectParams } =
      message as DiagnosticsChannel.ClientBeforeConnectMessage;
    if (this.ours(connectParams)) {
      this.attempts += 1;
    }
  }

  private onConnected(message: unknown): void {
    const { connectParams, socket } =
      message as DiagnosticsChannel.ClientConnectedMessage;
    if (this.ours(connectParams)) {
      this.settled += 1;
      this.open.add(socket);
      // Added after undici's own 'close' listener: by the time this one
      // runs, undici has reacted to the close (and any new attempt began).
      socket.once('close', () => this.open.delete(socket));
      setImmediate(() => {
        if (!this.carried.has(socket) && !socket.destroyed) {
          this.unused += 1;
        }
      });
    }
  }

  private onSendHeaders(message: unknown): void {
    this.carried.add(
      (message as DiagnosticsChannel.ClientSendHeadersMessage).socket,
    );
  }

  private onConnectError(message: unknown): void {
    const { connectParams } =
      message as DiagnosticsChannel.ClientConnectErrorMessage;
    if (this.ours(connectParams)) {
      this.settled += 1;
    }
  }
}

/** Calls `then` once (in a microtask) when `name` next publishes for the upstream's port. */
export function onceOnChannel(
  name: string,
  port: string,
  then: () => void,
): void {
  const listener = (message: unknown): void => {
    const { request, connectParams } = message as {
      request?: { origin?: string };
      connectParams?: DiagnosticsChannel.ConnectParams;
    };
    const origin = request?.origin ?? `:${connectParams?.port}`;
    if (origin.endsWith(`:${port}`)) {
      channel(name).unsubscribe(listener);
      queueMicrotask(then);
    }
  };
  channel(name).subscribe(listener);
}
