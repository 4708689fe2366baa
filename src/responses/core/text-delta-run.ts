import { identity, Observable, type OperatorFunction } from 'rxjs';
import {
  type EventNaming,
  withEventNaming,
} from '../../protocol/event-naming.js';
import type { ResponseStreamEvent } from '../../protocol/responses.types.js';

/** The `logprobs` of every text delta: one frozen list, not one per chunk. */
const NO_LOGPROBS: readonly unknown[] = Object.freeze([]);

/**
 * `response.output_text.delta`, the event of almost every chunk, built as
 * one literal (no spreads) in the field order of every other item event
 * (ItemSink.event): the only place such an event is made.
 */
export function outputTextDelta(
  sequenceNumber: number,
  itemId: string,
  outputIndex: number,
  contentIndex: number,
  delta: string,
): ResponseStreamEvent {
  return {
    type: 'response.output_text.delta',
    sequence_number: sequenceNumber,
    item_id: itemId,
    output_index: outputIndex,
    content_index: contentIndex,
    delta,
    logprobs: NO_LOGPROBS,
  };
}

/**
 * Consecutive `response.output_text.delta` events of one content part,
 * numbered from `firstSequence` on, as one item: what the machine gives
 * for a TextRun (ResponseEventMachine.onTextRun). The SSE writer frames a
 * run in one step (TextDeltaFrames.frameRun); every other consumer takes it
 * apart first (expandTextRuns), into exactly the events the chunks one by
 * one would have given.
 */
export class TextDeltaRun {
  constructor(
    readonly itemId: string,
    readonly outputIndex: number,
    readonly contentIndex: number,
    readonly firstSequence: number,
    /** Grows while the machine adds the run's deltas; read-only after. */
    readonly deltas: string[],
  ) {}

  /** The sequence number of the run's last event. */
  get lastSequence(): number {
    return this.firstSequence + this.deltas.length - 1;
  }

  /** The run's events, in order. */
  events(): ResponseStreamEvent[] {
    return this.deltas.map((delta, at) =>
      outputTextDelta(
        this.firstSequence + at,
        this.itemId,
        this.outputIndex,
        this.contentIndex,
        delta,
      ),
    );
  }
}

/** What a Responses stream carries: events, and runs of text deltas. */
export type ResponseStreamItem = ResponseStreamEvent | TextDeltaRun;

/** The events of a stream's items: each run taken apart in place. */
export function expandTextRuns(): OperatorFunction<
  ResponseStreamItem,
  ResponseStreamEvent
> {
  return (items$) =>
    new Observable((subscriber) =>
      items$.subscribe({
        next: (item) => {
          if (!(item instanceof TextDeltaRun)) {
            subscriber.next(item);
            return;
          }
          for (const event of item.events()) {
            subscriber.next(event);
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}

/** The events of `items`, runs taken apart. */
export function expandedEvents(
  items: readonly ResponseStreamItem[],
): ResponseStreamEvent[] {
  return items.flatMap((item) =>
    item instanceof TextDeltaRun ? item.events() : [item],
  );
}

/**
 * withEventNaming over a stream's items. OpenAI's naming, the default,
 * renames nothing and keeps the runs; another one takes them apart first.
 */
export function withItemNaming(
  naming: EventNaming,
): OperatorFunction<ResponseStreamItem, ResponseStreamItem> {
  return naming === 'openai'
    ? identity
    : (items$) => items$.pipe(expandTextRuns(), withEventNaming(naming));
}
