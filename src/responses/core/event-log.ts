import type {
  ResponseOutputItem,
  ResponseStreamEvent,
} from './responses.types.js';

/** Numbers events from 0 and collects them until the caller drains them. */
export class EventLog {
  private nextSequence = 0;
  private pending: ResponseStreamEvent[] = [];

  /** A numbered event, not queued (keepalives go straight to the caller). */
  create(type: string, fields: Record<string, unknown>): ResponseStreamEvent {
    return { type, sequence_number: this.nextSequence++, ...fields };
  }

  emit(type: string, fields: Record<string, unknown>): void {
    this.pending.push(this.create(type, fields));
  }

  /** Queues an event built by the caller, numbered by `nextNumber()`. */
  push(event: ResponseStreamEvent): void {
    this.pending.push(event);
  }

  nextNumber(): number {
    return this.nextSequence++;
  }

  drain(): ResponseStreamEvent[] {
    const events = this.pending;
    this.pending = [];
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
      logprobs: [],
    });
  }
}
