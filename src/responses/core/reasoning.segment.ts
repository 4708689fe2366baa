import { flatCopy } from '../../common/strings/flat-copy.js';
import type { ItemSink } from './event-log.js';
import { newId } from './ids.js';
import { OutputSegment } from './output.segment.js';
import type {
  ItemStatus,
  ReasoningItem,
} from '../../protocol/responses.types.js';

/**
 * A `reasoning` item carrying the backend's raw reasoning as one
 * `reasoning_text` part (content_part.added → reasoning_text.delta ×N →
 * reasoning_text.done → content_part.done), the gpt-oss form (§3.5).
 */
export class ReasoningSegment extends OutputSegment {
  private text = '';

  get openable(): boolean {
    return this.text.trim() !== '';
  }

  append(delta: string): void {
    this.text += delta;
    const sink = this.live;
    if (sink !== undefined) {
      sink.event('response.reasoning_text.delta', { content_index: 0, delta });
    }
  }

  protected createId(): string {
    return newId('rs');
  }

  protected override settle(): void {
    this.text = flatCopy(this.text);
  }

  protected item(
    id: string,
    status: ItemStatus,
    empty: boolean,
  ): ReasoningItem & { id: string } {
    const item: ReasoningItem & { id: string } = {
      id,
      type: 'reasoning',
      summary: [],
      content: empty ? [] : [{ type: 'reasoning_text', text: this.text }],
    };
    // Reasoning items carry no status normally; only a cut-off one says so.
    if (status === 'incomplete') {
      item.status = status;
    }
    return item;
  }

  protected replay(sink: ItemSink): void {
    sink.event('response.content_part.added', {
      content_index: 0,
      part: { type: 'reasoning_text', text: '' },
    });
    if (this.text !== '') {
      sink.event('response.reasoning_text.delta', {
        content_index: 0,
        delta: this.text,
      });
    }
  }

  protected finishEvents(sink: ItemSink): void {
    sink.event('response.reasoning_text.done', {
      content_index: 0,
      text: this.text,
    });
    sink.event('response.content_part.done', {
      content_index: 0,
      part: { type: 'reasoning_text', text: this.text },
    });
  }
}
