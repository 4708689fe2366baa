import { flatCopy } from '../../common/strings/flat-copy.js';
import type { ItemSink } from './event-log.js';
import { newId } from './ids.js';
import { OutputSegment } from './output.segment.js';
import type {
  ItemStatus,
  ReasoningItem,
  ResponseReasoningConfig,
} from '../../protocol/responses.types.js';

/**
 * How a reasoning item carries the backend's raw reasoning: as one
 * `reasoning_text` content part (the gpt-oss form), or, when the request
 * asks for a summary, as one `summary_text` part. Chat backends have no
 * summary: the raw text is offered as one. Never both, as OpenAI never
 * sends both: the Agents SDK resends `summary` and `content` alike, and the
 * text would then reach the backend twice on the next turn.
 */
export type ReasoningForm = 'reasoning_text' | 'summary';

/** `summary` when the request asks for one (`auto`, `concise`, `detailed`; not `none`). */
export function reasoningFormOf(
  reasoning: ResponseReasoningConfig | null | undefined,
): ReasoningForm {
  // `generate_summary` is the deprecated name of `summary`.
  const asked = reasoning?.summary ?? reasoning?.['generate_summary'];
  return typeof asked === 'string' && asked !== 'none'
    ? 'summary'
    : 'reasoning_text';
}

/**
 * A `reasoning` item (§3.5). As `reasoning_text`: content_part.added →
 * reasoning_text.delta ×N → reasoning_text.done → content_part.done. As a
 * summary: reasoning_summary_part.added → reasoning_summary_text.delta ×N →
 * reasoning_summary_text.done → reasoning_summary_part.done.
 */
export class ReasoningSegment extends OutputSegment {
  private text = '';

  constructor(private readonly form: ReasoningForm = 'reasoning_text') {
    super();
  }

  get openable(): boolean {
    return this.text.trim() !== '';
  }

  append(delta: string): void {
    this.text += delta;
    const sink = this.live;
    if (sink !== undefined) {
      this.emitDelta(sink, delta);
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
    const text = this.text;
    const item: ReasoningItem & { id: string } =
      this.form === 'summary'
        ? {
            id,
            type: 'reasoning',
            summary: empty ? [] : [{ type: 'summary_text', text }],
          }
        : {
            id,
            type: 'reasoning',
            summary: [],
            content: empty ? [] : [{ type: 'reasoning_text', text }],
          };
    // Reasoning items carry no status normally; only a cut-off one says so.
    if (status === 'incomplete') {
      item.status = status;
    }
    return item;
  }

  protected replay(sink: ItemSink): void {
    if (this.form === 'summary') {
      sink.event('response.reasoning_summary_part.added', {
        summary_index: 0,
        part: { type: 'summary_text', text: '' },
      });
    } else {
      sink.event('response.content_part.added', {
        content_index: 0,
        part: { type: 'reasoning_text', text: '' },
      });
    }
    if (this.text !== '') {
      this.emitDelta(sink, this.text);
    }
  }

  protected finishEvents(sink: ItemSink, status: ItemStatus): void {
    const text = this.text;
    if (this.form === 'reasoning_text') {
      sink.event('response.reasoning_text.done', { content_index: 0, text });
      sink.event('response.content_part.done', {
        content_index: 0,
        part: { type: 'reasoning_text', text },
      });
      return;
    }
    sink.event('response.reasoning_summary_text.done', {
      summary_index: 0,
      text,
    });
    sink.event('response.reasoning_summary_part.done', {
      summary_index: 0,
      part: { type: 'summary_text', text },
      // The spec's mark of a part whose generation was interrupted.
      ...(status === 'incomplete' ? { status } : {}),
    });
  }

  private emitDelta(sink: ItemSink, delta: string): void {
    if (this.form === 'summary') {
      sink.event('response.reasoning_summary_text.delta', {
        summary_index: 0,
        delta,
      });
    } else {
      sink.event('response.reasoning_text.delta', { content_index: 0, delta });
    }
  }
}
