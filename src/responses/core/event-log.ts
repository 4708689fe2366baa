import type {
  ResponseOutputItem,
  ResponseStreamEvent,
} from '../../protocol/responses.types.js';

/** The `logprobs` of every text delta: one frozen list, not one per chunk. */
const NO_LOGPROBS: readonly unknown[] = Object.freeze([]);

/** Numbers events from 0 and collects them until the caller drains them. */
export class EventLog {
  private nextSequence = 0;
  /**
   * Events not drained yet: the first `count` slots of a list kept for the
   * whole stream, so a drain makes no garbage list per chunk.
   */
  private readonly pending: (ResponseStreamEvent | undefined)[] = [];
  private count = 0;

  /** A numbered event, not queued (keepalives go straight to the caller). */
  create(type: string, fields: Record<string, unknown>): ResponseStreamEvent {
    return { type, sequence_number: this.nextSequence++, ...fields };
  }

  emit(type: string, fields: Record<string, unknown>): void {
    this.push(this.create(type, fields));
  }

  /** Queues an event built by the caller, numbered by `nextNumber()`. */
  push(event: ResponseStreamEvent): void {
    this.pending[this.count++] = event;
  }

  nextNumber(): number {
    return this.nextSequence++;
  }

  /** The queued events, in order, as a new array the caller owns. */
  drain(): ResponseStreamEvent[] {
    const count = this.count;
    this.count = 0;
    if (count === 1) {
      const event = this.pending[0] as ResponseStreamEvent;
      this.pending[0] = undefined;
      return [event];
    }
    const events = this.pending.slice(0, count) as ResponseStreamEvent[];
    // Drained events are the caller's: the list does not keep them alive.
    this.pending.fill(undefined, 0, count);
    return events;
  }
}

/** Emits the events of one output item, stamping its `item_id` and `output_index`. */
export class ItemSink {
  constructor(
    private readonly log: EventLog,
    readonly outputIndex: number,
    readonly itemId: string,
  ) {}

  added(item: ResponseOutputItem): void {
    this.log.emit('response.output_item.added', {
      output_index: this.outputIndex,
      item,
    });
  }

  done(item: ResponseOutputItem): void {
    this.log.emit('response.output_item.done', {
      output_index: this.outputIndex,
      item,
    });
  }

  /** An item-scoped event (`item_id`, `output_index`, then `fields`). */
  event(type: string, fields: Record<string, unknown>): void {
    this.log.push({
      type,
      sequence_number: this.log.nextNumber(),
      item_id: this.itemId,
      output_index: this.outputIndex,
      ...fields,
    });
  }

  /**
   * `response.output_text.delta`, the event of almost every chunk, built as
   * one literal (no spreads) with the field order `event()` would give.
   */
  outputTextDelta(contentIndex: number, delta: string): void {
    this.log.push({
      type: 'response.output_text.delta',
      sequence_number: this.log.nextNumber(),
      item_id: this.itemId,
      output_index: this.outputIndex,
      content_index: contentIndex,
      delta,
      logprobs: NO_LOGPROBS,
    });
  }
}
