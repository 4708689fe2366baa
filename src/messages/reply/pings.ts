import {
  interval,
  type MonoTypeOperatorFunction,
  Observable,
  type Subscription,
} from 'rxjs';
import type { AnthropicStreamEvent } from '../../protocol/anthropic-messages.types.js';

const PING: AnthropicStreamEvent = { type: 'ping' };

/**
 * Adds a `ping` event for every `intervalMs` in which no other event went
 * out, between message_start and message_stop (while the model thinks
 * before its first token, or the gateway runs its MCP tools between
 * rounds): the bytes keep proxies and clients from timing the stream out,
 * and the Anthropic SDKs skip them. One timer per stream, checked once a
 * period, rather than one re-armed for every event.
 */
export function withPings(
  intervalMs: number,
): MonoTypeOperatorFunction<AnthropicStreamEvent> {
  return (source) =>
    new Observable<AnthropicStreamEvent>((subscriber) => {
      let timer: Subscription | undefined;
      let quiet = true;
      const stopTimer = (): void => {
        timer?.unsubscribe();
        timer = undefined;
      };
      const events = source.subscribe({
        next: (event) => {
          // The first period starts with message_start.
          quiet = event.type === 'message_start';
          if (event.type === 'message_stop') {
            stopTimer();
          } else if (event.type === 'message_start' && timer === undefined) {
            timer = interval(intervalMs).subscribe(() => {
              if (quiet) {
                subscriber.next(PING);
              }
              quiet = true;
            });
          }
          subscriber.next(event);
        },
        error: (error: unknown) => {
          stopTimer();
          subscriber.error(error);
        },
        complete: () => {
          stopTimer();
          subscriber.complete();
        },
      });
      return () => {
        stopTimer();
        events.unsubscribe();
      };
    });
}
