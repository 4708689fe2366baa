import type { EventLog } from './event-log.js';
import { MessageSegment, type MessagePartKind } from './message.segment.js';
import type { OutputSegment } from './output.segment.js';
import { type ReasoningForm, ReasoningSegment } from './reasoning.segment.js';
import type {
  ItemStatus,
  MessagePhase,
  ResponseOutputItem,
} from '../../protocol/responses.types.js';
import { ToolCallSegment } from './tool-call.segment.js';

/**
 * The output items of one response, in order, opened and closed one at a
 * time: an item is opened once every earlier item is closed, so items never
 * interleave on the wire (§3.4). Data that arrives for a later item waits in
 * its segment until the item opens.
 */
export class OutputTimeline {
  private readonly segments: OutputSegment[] = [];
  /** Index in `segments` of the first item not closed yet (= its output_index). */
  private head = 0;

  constructor(
    private readonly log: EventLog,
    private readonly reasoningForm: ReasoningForm = 'reasoning_text',
  ) {}

  /** The most recently added segment. */
  get last(): OutputSegment | undefined {
    return this.segments.at(-1);
  }

  // Text and reasoning after another item start a new item; tool calls stay
  // open until the end, because their arguments are routed by index and may
  // come interleaved.
  /** Adds an item the model's chunks produce. */
  add(segment: OutputSegment): void {
    const last = this.last;
    if (last !== undefined && !(last instanceof ToolCallSegment)) {
      last.sealed = true;
    }
    this.segments.push(segment);
  }

  /** Reasoning text: continues the open reasoning item or starts one. */
  appendReasoning(text: string): void {
    if (text === '') {
      return;
    }
    const last = this.last;
    if (last instanceof ReasoningSegment && !last.sealed) {
      last.append(text);
      return;
    }
    const segment = new ReasoningSegment(this.reasoningForm);
    this.add(segment);
    segment.append(text);
  }

  /** Message text or refusal: continues the open message or starts one. */
  appendMessage(kind: MessagePartKind, text: string): void {
    if (text === '') {
      return;
    }
    const last = this.last;
    if (last instanceof MessageSegment && !last.sealed) {
      last.append(kind, text);
      return;
    }
    const segment = new MessageSegment();
    this.add(segment);
    segment.append(kind, text);
  }

  /**
   * Message text that continues the last item's open output_text part, at
   * once (MessageSegment.continueText). No pump: an opened item is the
   * head, and more text changes nothing the pump reads.
   */
  continueText(texts: readonly string[], from: number): boolean {
    const last = this.last;
    return (
      last instanceof MessageSegment &&
      !last.sealed &&
      last.continueText(texts, from)
    );
  }

  /** Adds an item after closing every earlier one (`closeStatus`): the gateway's own items. */
  addAfterAll(segment: OutputSegment, closeStatus: ItemStatus): void {
    this.sealAll();
    // Pushed before the earlier items close, so that they see it follows.
    this.segments.push(segment);
    this.pump(closeStatus);
  }

  /** No more data will come for any item added so far. */
  sealAll(): void {
    for (const segment of this.segments) {
      segment.sealed = true;
    }
  }

  /** Opens and closes items in order, as far as the data allows. */
  pump(closeStatus: ItemStatus): void {
    while (this.head < this.segments.length) {
      const segment = this.segments[this.head];
      if (segment === undefined) {
        return;
      }
      if (!segment.opened) {
        if (!segment.openable) {
          if (!segment.sealed) {
            return;
          }
          // Nothing worth an item (whitespace, a call without a name): dropped.
          this.segments.splice(this.head, 1);
          continue;
        }
        segment.open(this.log, this.head);
      }
      if (!segment.sealed) {
        return;
      }
      if (segment instanceof MessageSegment) {
        const phase = this.phaseAtHead();
        if (phase === undefined) {
          return;
        }
        segment.phase = phase;
      }
      segment.close(closeStatus);
      this.head += 1;
    }
  }

  /**
   * The phase of the message at the head: `commentary` when an item follows
   * it in this response, `final_answer` when none can; undefined while only
   * segments that may still come to nothing follow (whitespace, a call
   * without a name yet), so the message waits to close until they settle.
   */
  private phaseAtHead(): MessagePhase | undefined {
    let pending = false;
    for (const segment of this.segments.slice(this.head + 1)) {
      if (segment.openable) {
        return 'commentary';
      }
      pending ||= !segment.sealed;
    }
    return pending ? undefined : 'final_answer';
  }

  /** The items opened so far, as they stand. */
  snapshot(): ResponseOutputItem[] {
    return this.segments
      .slice(0, this.head + 1)
      .filter((segment) => segment.opened)
      .map((segment) => segment.snapshot());
  }
}
