import type { OperatorFunction } from 'rxjs';
import { statefulOperator } from '../../common/rx/stateful-operator.js';
import type { AnthropicStreamEvent } from '../../protocol/anthropic-messages.types.js';
import type {
  ChatCompletionChunk,
  ChatUsage,
} from '../../protocol/chat-completion.types.js';
import { type ThinkSegment, ThinkTagSplitter } from '../../tool-calls/index.js';
import type { ThinkingSignature } from '../core/thinking-signature.js';
import {
  ContentBlocks,
  type InvalidArgumentsListener,
} from './content-blocks.js';
import {
  anthropicUsageOf,
  matchedStopOf,
  messageStopOf,
} from './stop-reason.js';

/** What the events of one answer need besides its chunks. */
export interface MessageEventsContext {
  /** `msg_…`, see newMessageId. */
  id: string;
  /** The model the client asked for, echoed. */
  model: string;
  signature: ThinkingSignature;
  /** The request's `stop_sequences`: what a backend's stop string must be one of. */
  stopSequences: readonly string[];
  /** Whether a leading `<think>…</think>` in the content is thinking. */
  splitThinkTags: boolean;
  /**
   * False when the client asked not to see the thinking (`thinking.display:
   * "omitted"`): no thinking block at all. Default true.
   */
  thinking?: boolean;
  /**
   * Told of each tool call whose arguments were no JSON object, sent as `{}`
   * instead: for a log line, which must not hold the arguments (secrets).
   */
  onInvalidArguments?: InvalidArgumentsListener;
}

type Choice = ChatCompletionChunk['choices'][number];

/** The finish reasons of an answer that ended where the model meant it to. */
const WHOLE_ANSWERS: ReadonlySet<string | null> = new Set([
  null,
  'stop',
  'tool_calls',
  'function_call',
]);

/** Whether an answer was cut short (`length`, `content_filter`, an abort…). */
function cutShort(finishReason: string | null): boolean {
  return !WHOLE_ANSWERS.has(finishReason);
}

/**
 * A Chat Completions chunk stream (choice 0) as the events of one Anthropic
 * message: `message_start` with the first chunk, the content blocks (see
 * ContentBlocks), then, when the chunks end, `message_delta` with the stop
 * reason and the usage of the last chunk that carried one, and
 * `message_stop`. A stream without any chunk is still a whole, empty
 * message. An error passes through as it is.
 */
export function messageEvents(
  context: MessageEventsContext,
): OperatorFunction<ChatCompletionChunk, AnthropicStreamEvent> {
  return statefulOperator((output) => {
    const message = new MessageEventWriter(context, (event) =>
      output.next(event),
    );
    return {
      next: (chunk) => message.onChunk(chunk),
      complete: () => {
        message.end();
        output.complete();
      },
    };
  });
}

/** The state of one message's events; see messageEvents. */
class MessageEventWriter {
  private started = false;
  private readonly blocks: ContentBlocks;
  private readonly splitter: ThinkTagSplitter | undefined;
  private usage: ChatUsage | undefined;
  private finishReason: string | null = null;
  private matchedStop: string | undefined;

  constructor(
    private readonly context: MessageEventsContext,
    private readonly emit: (event: AnthropicStreamEvent) => void,
  ) {
    this.blocks = new ContentBlocks(
      emit,
      context.signature,
      context.onInvalidArguments,
    );
    this.splitter = context.splitThinkTags ? new ThinkTagSplitter() : undefined;
  }

  onChunk(chunk: ChatCompletionChunk): void {
    this.usage = chunk.usage ?? this.usage;
    this.start();
    const choice = chunk.choices.find((each) => each.index === 0);
    if (choice !== undefined) {
      this.onChoice(choice);
    }
  }

  end(): void {
    this.start();
    this.place(this.splitter?.flush() ?? []);
    this.blocks.finish(cutShort(this.finishReason));
    const stop = messageStopOf(
      this.finishReason,
      this.matchedStop,
      this.context.stopSequences,
      this.blocks.calledTools,
    );
    this.emit({
      type: 'message_delta',
      delta: stop,
      usage: anthropicUsageOf(this.usage),
    });
    this.emit({ type: 'message_stop' });
  }

  private start(): void {
    if (this.started) {
      return;
    }
    this.started = true;
    this.emit({
      type: 'message_start',
      message: {
        id: this.context.id,
        type: 'message',
        role: 'assistant',
        model: this.context.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        // Known this early only from a backend that counts on every chunk.
        usage: { ...anthropicUsageOf(this.usage), output_tokens: 0 },
      },
    });
  }

  private onChoice(choice: Choice): void {
    const delta = choice.delta;
    // Prefer `reasoning_content` (DeepSeek, older vLLM) over `reasoning` (vLLM ≥0.11, Ollama).
    const reasoning = delta.reasoning_content || delta.reasoning;
    if (typeof reasoning === 'string' && reasoning !== '') {
      this.settleContentStart();
      this.thinking(reasoning);
    }
    if (typeof delta.content === 'string') {
      this.content(delta.content);
    }
    if (typeof delta.refusal === 'string' && delta.refusal !== '') {
      this.settleContentStart();
      this.blocks.text(delta.refusal);
    }
    for (const call of delta.tool_calls ?? []) {
      this.settleContentStart();
      this.blocks.toolCall(call);
    }
    if (choice.finish_reason) {
      this.finishReason = choice.finish_reason;
      this.matchedStop = matchedStopOf(choice);
    }
  }

  /**
   * Once anything but content came, the content can no longer open with a
   * think block: what the splitter holds back (whitespace, a partial tag)
   * goes out first, so that it keeps its place before the other thing.
   */
  private settleContentStart(): void {
    if (this.splitter !== undefined && !this.splitter.passesThrough) {
      this.place(this.splitter.flush());
    }
  }

  private content(text: string): void {
    const splitter = this.splitter;
    if (splitter === undefined || splitter.passesThrough) {
      this.blocks.text(text);
      return;
    }
    this.place(splitter.push(text));
  }

  /** Thinking, unless the client asked not to see it. */
  private thinking(text: string): void {
    if (this.context.thinking !== false) {
      this.blocks.thinking(text);
    }
  }

  private place(segments: readonly ThinkSegment[]): void {
    for (const segment of segments) {
      if (segment.kind === 'reasoning') {
        this.thinking(segment.text);
      } else {
        this.blocks.text(segment.text);
      }
    }
  }
}
