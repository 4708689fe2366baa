import { EventLog, ItemSink } from './event-log.js';
import type {
  ItemStatus,
  ResponseOutputItem,
} from '../../protocol/responses.types.js';

/**
 * One output item while a response is produced. Data may arrive before the
 * item is opened (an earlier item is still streaming); it is then replayed
 * when the item opens, so items never interleave on the wire.
 */
export abstract class OutputSegment {
  /** No more data will come: the item may be closed once it is opened. */
  sealed = false;
  private sink: ItemSink | undefined;
  private finalItem: ResponseOutputItem | undefined;

  get opened(): boolean {
    return this.sink !== undefined;
  }

  /** Whether there is enough to emit `output_item.added`. */
  abstract get openable(): boolean;

  /** Assigns the id and output index, emits `output_item.added`, replays what arrived. */
  open(log: EventLog, outputIndex: number): void {
    this.onOpen();
    const sink = new ItemSink(log, outputIndex, this.createId());
    this.sink = sink;
    sink.added(this.item(sink.itemId, 'in_progress', true));
    this.replay(sink);
  }

  /** Emits the closing events and `output_item.done`; returns the final item. */
  close(status: ItemStatus): ResponseOutputItem {
    const sink = this.requireSink();
    this.settle();
    this.finishEvents(sink, status);
    const item = this.item(sink.itemId, status, false);
    sink.done(item);
    // Shared by output_item.done and every later snapshot: never mutated.
    this.finalItem = item;
    return item;
  }

  /** The item as it stands (final once closed). */
  snapshot(): ResponseOutputItem {
    return (
      this.finalItem ??
      this.item(this.requireSink().itemId, 'in_progress', false)
    );
  }

  /** The sink of an opened segment, for live deltas. */
  protected get live(): ItemSink | undefined {
    return this.finalItem === undefined ? this.sink : undefined;
  }

  protected abstract createId(): string;

  /** Fixes what the added item needs (tool calls resolve their tool here). */
  protected onOpen(): void {}

  /**
   * Before the closing events: text built up delta by delta is a rope of
   * hundreds of pieces, and the closing events, the final item and every
   * later snapshot serialise it again. Flattening it once here (flatCopy)
   * keeps each of those a plain copy instead of a walk over the pieces.
   */
  protected settle(): void {}

  /** The item; `empty` gives the `output_item.added` form (no content yet). */
  protected abstract item(
    id: string,
    status: ItemStatus,
    empty: boolean,
  ): ResponseOutputItem;

  protected abstract replay(sink: ItemSink): void;

  /** The closing events; `status` is the status the item closes with. */
  protected abstract finishEvents(sink: ItemSink, status: ItemStatus): void;

  private requireSink(): ItemSink {
    if (this.sink === undefined) {
      throw new Error('output segment used before it was opened');
    }
    return this.sink;
  }
}
