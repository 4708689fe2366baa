import type {
  ResponseOutputItem,
  ResponseStreamEvent,
} from '../../protocol/responses.types.js';
import {
  expandedEvents,
  outputTextDelta,
  type ResponseStreamItem,
  TextDeltaRun,
} from './text-delta-run.js';

/** Numbers events from 0 and collects them until the caller drains them. */
export class EventLog {
  private nextSequence = 0;
  /**
   * Events not drained yet: the first `count` slots of a list kept for the
   * whole stream, so a drain makes no garbage list per chunk.
   */
  private readonly pending: (ResponseStreamItem | undefined)[] = [];
  private count = 0;
  /** While set, text deltas of one part gather into a TextDeltaRun (withRuns). */
  private collectingRuns = false;
  /** A run is pending: drain() takes it apart. */
  private pendingRuns = false;

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

  /**
   * Queues a `response.output_text.delta`. During withRuns it joins the run
   * queued last when that run is of the same part and nothing came after
   * it (so its numbers stay consecutive), else starts a run.
   */
  pushTextDelta(
    itemId: string,
    outputIndex: number,
    contentIndex: number,
    delta: string,
  ): void {
    const sequence = this.nextSequence++;
    if (!this.collectingRuns) {
      this.push(
        outputTextDelta(sequence, itemId, outputIndex, contentIndex, delta),
      );
      return;
    }
    const last = this.count > 0 ? this.pending[this.count - 1] : undefined;
    if (
      last instanceof TextDeltaRun &&
      last.itemId === itemId &&
      last.outputIndex === outputIndex &&
      last.contentIndex === contentIndex
    ) {
      last.deltas.push(delta);
      return;
    }
    this.pendingRuns = true;
    this.pending[this.count++] = new TextDeltaRun(
      itemId,
      outputIndex,
      contentIndex,
      sequence,
      [delta],
    );
  }

  /**
   * pushTextDelta of each non-empty text of `texts` from `from` on, with
   * the run looked up once.
   */
  pushTextDeltas(
    itemId: string,
    outputIndex: number,
    contentIndex: number,
    texts: readonly string[],
    from: number,
  ): void {
    let at = from;
    while (at < texts.length && texts[at] === '') {
      at += 1;
    }
    if (at === texts.length) {
      return;
    }
    this.pushTextDelta(itemId, outputIndex, contentIndex, texts[at] as string);
    const run = this.collectingRuns ? this.pending[this.count - 1] : undefined;
    for (at += 1; at < texts.length; at++) {
      const text = texts[at] as string;
      if (text === '') {
        continue;
      }
      if (run instanceof TextDeltaRun) {
        this.nextSequence += 1;
        run.deltas.push(text);
      } else {
        this.pushTextDelta(itemId, outputIndex, contentIndex, text);
      }
    }
  }

  /** Runs `step` with text deltas gathered into runs; drain with drainItems(). */
  withRuns(step: () => void): void {
    this.collectingRuns = true;
    try {
      step();
    } finally {
      this.collectingRuns = false;
    }
  }

  /** The queued events, in order, as a new array the caller owns; runs taken apart. */
  drain(): ResponseStreamEvent[] {
    const runs = this.pendingRuns;
    const items = this.drainItems();
    return runs ? expandedEvents(items) : (items as ResponseStreamEvent[]);
  }

  /** The queued events and runs, in order, as a new array the caller owns. */
  drainItems(): ResponseStreamItem[] {
    const count = this.count;
    this.count = 0;
    this.pendingRuns = false;
    if (count === 1) {
      const item = this.pending[0] as ResponseStreamItem;
      this.pending[0] = undefined;
      return [item];
    }
    const items = this.pending.slice(0, count) as ResponseStreamItem[];
    // Drained events are the caller's: the list does not keep them alive.
    this.pending.fill(undefined, 0, count);
    return items;
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

  /** outputTextDelta of each non-empty text from `from` on (EventLog.pushTextDeltas). */
  outputTextDeltas(
    contentIndex: number,
    texts: readonly string[],
    from: number,
  ): void {
    this.log.pushTextDeltas(
      this.itemId,
      this.outputIndex,
      contentIndex,
      texts,
      from,
    );
  }

  /** `response.output_text.delta`, the event of almost every chunk (see EventLog.pushTextDelta). */
  outputTextDelta(contentIndex: number, delta: string): void {
    this.log.pushTextDelta(this.itemId, this.outputIndex, contentIndex, delta);
  }
}
