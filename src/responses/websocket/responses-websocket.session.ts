import type { Logger } from '@nestjs/common';
import type { RawData, WebSocket } from 'ws';
import { GatewayException } from '../../common/errors/gateway.exception.js';
import { normalizeError } from '../../common/errors/normalize-error.js';
import { FlowControl } from '../../common/sse/flow-control.js';
import { writeWebSocket } from '../../common/sse/websocket-writer.js';
import { withEventNaming, type EventNaming } from '../core/event-naming.js';
import type {
  CreateResponseRequest,
  ResponseStreamEvent,
} from '../core/responses.types.js';
import type {
  ResponseCallOptions,
  ResponsesService,
} from '../responses.service.js';
import { InMemoryResponseStore } from '../store/in-memory-response.store.js';
import {
  errorEvent,
  parseCreateEvent,
  responsesWebSocketFormat,
} from './websocket-frames.js';

/** What a connection's turns share, fixed at the upgrade. */
export interface SessionContext {
  /** Model call options from the upgrade request (forwarded auth, MCP header…). */
  options: Omit<ResponseCallOptions, 'flow' | 'connectionStore' | 'signal'>;
  naming: EventNaming;
  /** How many `store:false` responses the connection keeps. */
  cacheCapacity: number;
  logger: Logger;
}

// Terminal events after which the turn's continuation counts as failed.
const FAILED_TERMINALS = new Set(['response.failed']);

/**
 * One WebSocket connection in Responses WebSocket mode. Each
 * `response.create` text frame runs one turn through the same pipeline as
 * SSE; turns run one after another. `store:false` responses stay in a
 * cache of this connection only. A failed turn sends an error event (or
 * ends with `response.failed`) and the socket stays usable; a failed
 * continuation evicts the cached response it continued.
 */
export class ResponsesWebSocketSession {
  private readonly cache: InMemoryResponseStore;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: WebSocket,
    private readonly service: ResponsesService,
    private readonly context: SessionContext,
  ) {
    this.cache = new InMemoryResponseStore(context.cacheCapacity);
    socket.on('message', (data, isBinary) => this.enqueue(data, isBinary));
  }

  private enqueue(data: RawData, isBinary: boolean): void {
    const text = isBinary ? undefined : rawText(data);
    this.queue = this.queue
      .then(() => this.turn(text))
      .catch((error: unknown) =>
        this.context.logger.error({ err: error }, 'WebSocket turn failed'),
      );
  }

  private async turn(text: string | undefined): Promise<void> {
    if (this.socket.readyState !== this.socket.OPEN) {
      return;
    }
    let request: CreateResponseRequest;
    try {
      if (text === undefined) {
        throw new GatewayException(
          'invalid_request',
          'Binary WebSocket messages are not supported: send JSON text frames.',
        );
      }
      request = parseCreateEvent(text);
    } catch (error) {
      this.sendError(error, 0);
      return;
    }
    const failed = await this.run(request);
    const previous = request.previous_response_id;
    if (failed && previous) {
      await this.cache.delete(previous);
    }
  }

  /** Runs one turn; true when it failed. */
  private async run(request: CreateResponseRequest): Promise<boolean> {
    const flow = new FlowControl();
    const sequence = { next: 0 };
    let failedTerminal = false;
    let events$;
    try {
      events$ = await this.service.stream(request, {
        ...this.context.options,
        flow,
        connectionStore: this.cache,
        onFailed: (error) =>
          this.context.logger.error(
            { err: error },
            'WebSocket turn failed after response.created (sent as response.failed)',
          ),
      });
    } catch (error) {
      this.sendError(error, 0);
      return true;
    }
    const format = responsesWebSocketFormat(sequence);
    const end = await writeWebSocket(
      this.socket,
      events$.pipe(withEventNaming(this.context.naming)),
      {
        frame: (event: ResponseStreamEvent) => {
          failedTerminal ||= FAILED_TERMINALS.has(event.type);
          return format.frame(event);
        },
        errorFrame: (error) => format.errorFrame(error),
      },
      flow,
    );
    return end === 'errored' || failedTerminal;
  }

  private sendError(error: unknown, sequenceNumber: number): void {
    if (this.socket.readyState === this.socket.OPEN) {
      this.socket.send(
        JSON.stringify(errorEvent(normalizeError(error), sequenceNumber)),
      );
    }
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) {
    return Buffer.concat(data).toString('utf8');
  }
  return data instanceof ArrayBuffer
    ? Buffer.from(new Uint8Array(data)).toString('utf8')
    : data.toString('utf8');
}
