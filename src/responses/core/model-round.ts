import type { ChatCompletionChunk } from '../../protocol/chat-completion.types.js';
import { ToolCallDeltaRouter } from '../../protocol/tool-call-delta-router.js';
import { ContentRouter } from './content-router.js';
import type { OutputTimeline } from './output-timeline.js';
import { ToolCallSegment } from './tool-call.segment.js';
import type { ToolNameMap } from './tool-name-map.js';

type Choice = ChatCompletionChunk['choices'][number];

/**
 * What one model round puts into the timeline: reasoning, content (a
 * leading `<think>` block split off, see ContentRouter), refusal and tool
 * calls (indexes count per round), and the round's finish_reason. A new
 * round gets a new one; output and usage are the machine's.
 */
export class ModelRound {
  private readonly toolCalls: ToolCallDeltaRouter<ToolCallSegment>;
  private readonly content: ContentRouter;
  /** The last finish_reason the round's chunks carried. */
  finishReason: string | null = null;

  constructor(
    private readonly timeline: OutputTimeline,
    tools: ToolNameMap,
    splitThinkTags: boolean,
  ) {
    this.content = new ContentRouter(timeline, splitThinkTags);
    this.toolCalls = new ToolCallDeltaRouter(
      () => {
        const segment = new ToolCallSegment(tools);
        timeline.add(segment);
        return segment;
      },
      (segment, delta) => segment.absorb(delta),
    );
  }

  /** Message text: a chunk's `content`, or a TextDelta's text. */
  appendText(text: string): void {
    this.content.append(text);
  }

  /**
   * `texts` from `from` on as message text, at once, when they continue an
   * open output_text part and no `<think>` block is still being settled;
   * false (nothing taken) otherwise.
   */
  continueText(texts: readonly string[], from: number): boolean {
    return this.content.continueText(texts, from);
  }

  /** Takes in what choice 0 of a chunk says. */
  absorb(choice: Choice): void {
    const delta = choice.delta;
    // Prefer `reasoning_content` (DeepSeek, older vLLM) over `reasoning` (vLLM ≥0.11, Ollama).
    const reasoning = delta.reasoning_content || delta.reasoning;
    if (typeof reasoning === 'string') {
      this.timeline.appendReasoning(reasoning);
    }
    if (typeof delta.content === 'string') {
      this.content.append(delta.content);
    }
    if (typeof delta.refusal === 'string') {
      this.timeline.appendMessage('refusal', delta.refusal);
    }
    if (delta.tool_calls !== undefined) {
      for (const call of delta.tool_calls) {
        this.toolCalls.route(call);
      }
    }
    if (choice.finish_reason) {
      this.finishReason = choice.finish_reason;
    }
  }

  /** Places the text the `<think>` splitter still holds back. */
  flush(): void {
    this.content.flush();
  }
}
