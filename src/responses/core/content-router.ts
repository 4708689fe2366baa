import type { OutputTimeline } from './output-timeline.js';
import { type ThinkSegment, ThinkTagSplitter } from '../../tool-calls/index.js';

/**
 * Puts one model round's `content` into the timeline: a `<think>…</think>`
 * block at its start becomes reasoning (unless splitting is off), the rest
 * message text. Each round gets its own router.
 */
export class ContentRouter {
  private readonly splitter: ThinkTagSplitter | undefined;

  constructor(
    private readonly timeline: OutputTimeline,
    splitThinkTags: boolean,
  ) {
    this.splitter = splitThinkTags ? new ThinkTagSplitter() : undefined;
  }

  append(text: string): void {
    // After the think block (or its absence) is settled, text goes straight in.
    if (this.splitter === undefined || this.splitter.passesThrough) {
      this.timeline.appendMessage('output_text', text);
    } else {
      this.place(this.splitter.push(text));
    }
  }

  /** As ModelRound.continueText: only once the think block is settled. */
  continueText(texts: readonly string[], from: number): boolean {
    return (
      (this.splitter === undefined || this.splitter.passesThrough) &&
      this.timeline.continueText(texts, from)
    );
  }

  /** Places what the splitter still holds back (a possible tag prefix). */
  flush(): void {
    this.place(this.splitter?.flush() ?? []);
  }

  private place(pieces: ThinkSegment[]): void {
    for (const piece of pieces) {
      if (piece.kind === 'reasoning') {
        this.timeline.appendReasoning(piece.text);
      } else {
        this.timeline.appendMessage('output_text', piece.text);
      }
    }
  }
}
