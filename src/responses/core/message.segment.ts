import { flatCopy } from '../../common/strings/flat-copy.js';
import type { ItemSink } from './event-log.js';
import { newId } from './ids.js';
import { OutputSegment } from './output.segment.js';
import type {
  ItemStatus,
  MessagePhase,
  OutputMessageItem,
  OutputTextContent,
  RefusalContent,
} from '../../protocol/responses.types.js';
import { lastOf } from '../../common/arrays/last-of.js';

/** The kinds of content part an assistant message streams. */
export type MessagePartKind = 'output_text' | 'refusal';

interface PartState {
  kind: MessagePartKind;
  text: string;
}

/**
 * An assistant `message` item: `output_text` parts (content_part.added →
 * output_text.delta ×N → output_text.done → content_part.done) and `refusal`
 * parts (refusal.delta/done). A change of kind starts a new part.
 */
export class MessageSegment extends OutputSegment {
  private readonly parts: PartState[] = [];
  /**
   * Set by the timeline as the message closes, when it knows whether more
   * items follow: only the closed item says it (the added one cannot know).
   */
  phase: MessagePhase | undefined;

  // Whitespace alone (e.g. "\n\n" before tool calls) does not make a message.
  get openable(): boolean {
    return this.parts.some((part) => part.text.trim() !== '');
  }

  append(kind: MessagePartKind, delta: string): void {
    let index = this.parts.length - 1;
    const last = lastOf(this.parts);
    const sink = this.live;
    if (last === undefined || last.kind !== kind) {
      if (last !== undefined && sink !== undefined) {
        closePart(sink, index, last);
      }
      this.parts.push({ kind, text: '' });
      index += 1;
      if (sink !== undefined) {
        openPart(sink, index, kind);
      }
    }
    const part = this.parts[index];
    if (part === undefined) {
      return;
    }
    part.text += delta;
    if (sink !== undefined) {
      emitDelta(sink, index, part.kind, delta);
    }
  }

  /**
   * `texts` from `from` on appended to the open output_text part, each as
   * append() would (an empty text is no delta), when the item is opened and
   * its last part is output_text; false (nothing taken) otherwise.
   */
  continueText(texts: readonly string[], from: number): boolean {
    const sink = this.live;
    const index = this.parts.length - 1;
    const part = this.parts[index];
    if (sink === undefined || part?.kind !== 'output_text') {
      return false;
    }
    for (let at = from; at < texts.length; at++) {
      part.text += texts[at] as string;
    }
    sink.outputTextDeltas(index, texts, from);
    return true;
  }

  protected createId(): string {
    return newId('msg');
  }

  protected override settle(): void {
    for (const part of this.parts) {
      part.text = flatCopy(part.text);
    }
  }

  protected item(
    id: string,
    status: ItemStatus,
    empty: boolean,
  ): OutputMessageItem {
    const item: OutputMessageItem = {
      id,
      type: 'message',
      status,
      role: 'assistant',
      content: empty ? [] : this.parts.map(finalPart),
    };
    if (this.phase !== undefined && status !== 'in_progress') {
      item.phase = this.phase;
    }
    return item;
  }

  protected replay(sink: ItemSink): void {
    this.parts.forEach((part, index) => {
      openPart(sink, index, part.kind);
      if (part.text !== '') {
        emitDelta(sink, index, part.kind, part.text);
      }
      if (index < this.parts.length - 1) {
        closePart(sink, index, part);
      }
    });
  }

  protected finishEvents(sink: ItemSink): void {
    const index = this.parts.length - 1;
    const last = this.parts[index];
    if (last !== undefined) {
      closePart(sink, index, last);
    }
  }
}

function emptyPart(kind: MessagePartKind): OutputTextContent | RefusalContent {
  return finalPart({ kind, text: '' });
}

function finalPart(part: PartState): OutputTextContent | RefusalContent {
  return part.kind === 'output_text'
    ? { type: 'output_text', text: part.text, annotations: [], logprobs: [] }
    : { type: 'refusal', refusal: part.text };
}

function openPart(sink: ItemSink, index: number, kind: MessagePartKind): void {
  sink.event('response.content_part.added', {
    content_index: index,
    part: emptyPart(kind),
  });
}

function emitDelta(
  sink: ItemSink,
  index: number,
  kind: MessagePartKind,
  delta: string,
): void {
  if (kind === 'output_text') {
    sink.outputTextDelta(index, delta);
  } else {
    sink.event('response.refusal.delta', { content_index: index, delta });
  }
}

function closePart(sink: ItemSink, index: number, part: PartState): void {
  if (part.kind === 'output_text') {
    sink.event('response.output_text.done', {
      content_index: index,
      text: part.text,
      logprobs: [],
    });
  } else {
    sink.event('response.refusal.done', {
      content_index: index,
      refusal: part.text,
    });
  }
  sink.event('response.content_part.done', {
    content_index: index,
    part: finalPart(part),
  });
}
