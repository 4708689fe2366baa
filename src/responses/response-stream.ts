import { Observable } from 'rxjs';
import { normalizeError } from '../common/errors/normalize-error.js';
import type { GatewayException } from '../common/errors/gateway.exception.js';
import type { ChatCompletionChunk } from '../llm-client/chat-completion.types.js';
import { isAbortError } from '../llm-client/upstream-errors.js';
import type { ResponseEventMachine } from './core/response-event-machine.js';
import type { ResponseStreamEvent } from './core/responses.types.js';

export interface ResponseStreamOptions {
  /** Silence after which a `keepalive` event goes out, so client idle timers do not fire. */
  keepaliveIntervalMs: number;
  /** Called once with the machine after its terminal event (to store the response). */
  onTerminated?: (machine: ResponseEventMachine) => void;
}

/**
 * Drives the pure event machine from the upstream chunk stream.
 *
 * `response.created` waits for the first upstream chunk, so an upstream
 * failure before it surfaces as an Observable error (and so as an HTTP
 * error). After that, every failure becomes `response.failed` and the
 * Observable completes: the stream always ends with exactly one terminal event.
 */
export function responseEvents(
  chunks$: Observable<ChatCompletionChunk>,
  machine: ResponseEventMachine,
  options: ResponseStreamOptions,
): Observable<ResponseStreamEvent> {
  return new Observable<ResponseStreamEvent>((subscriber) => {
    let started = false;
    let keepalive: NodeJS.Timeout | undefined;
    let lastEmitAt = 0;

    // One timer per stream, not one per event: when it fires it checks how
    // long the stream has really been silent and re-arms for the remainder.
    const armKeepalive = (delayMs: number): void => {
      keepalive = setTimeout(() => {
        keepalive = undefined;
        const silentFor = Date.now() - lastEmitAt;
        if (silentFor >= options.keepaliveIntervalMs) {
          emit([machine.keepalive()]);
        } else {
          armKeepalive(options.keepaliveIntervalMs - silentFor);
        }
      }, delayMs);
      keepalive.unref();
    };
    const emit = (events: ResponseStreamEvent[]): void => {
      for (const event of events) {
        subscriber.next(event);
      }
      lastEmitAt = Date.now();
      if (machine.terminated) {
        clearTimeout(keepalive);
        options.onTerminated?.(machine);
        subscriber.complete();
      } else if (started && keepalive === undefined) {
        armKeepalive(options.keepaliveIntervalMs);
      }
    };
    const startOnce = (): void => {
      if (!started) {
        started = true;
        emit(machine.start());
      }
    };

    const subscription = chunks$.subscribe({
      next: (chunk) => {
        startOnce();
        emit(machine.onChunk(chunk));
      },
      error: (error: unknown) => {
        if (!started || isAbortError(error)) {
          subscriber.error(error);
          return;
        }
        emit(machine.fail(failureOf(normalizeError(error))));
      },
      complete: () => {
        startOnce();
        emit(machine.finish());
      },
    });
    return () => {
      clearTimeout(keepalive);
      subscription.unsubscribe();
    };
  });
}

/**
 * Response.error for a failure mid-stream. The spec's code enum is small:
 * rate limits keep their code, everything else is a server_error whose
 * message says what happened.
 */
export function failureOf(error: GatewayException): {
  code: string;
  message: string;
} {
  const status = error.options.status;
  if (status === 429 || error.options.openAiCode === 'rate_limit_exceeded') {
    return { code: 'rate_limit_exceeded', message: error.message };
  }
  return { code: 'server_error', message: error.message };
}
