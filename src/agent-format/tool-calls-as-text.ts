import { mergeMap, type OperatorFunction } from 'rxjs';
import { statefulOperator } from '../common/rx/stateful-operator.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatFinishReason,
} from '../protocol/chat-completion.types.js';
import type { ToolLoopEvent } from '../mcp/tool-loop/tool-loop.types.js';
import { formatToolCall } from './agent-format.js';
import { type AgentFormat } from '../config/agent-format-setting.js';

type TagFormat = Extract<AgentFormat, { kind: 'tags' }>;
type ChunkChoice = ChatCompletionChunk['choices'][number];

interface PendingCall {
  name: string;
  arguments: string;
}

/**
 * Rewrites one stream's tool-call deltas into tagged assistant text. A call
 * is written as soon as it is complete: when the next call starts, or when
 * the choice finishes (or `flush`). `tool_calls` never goes out, and
 * finish_reason `tool_calls` becomes `stop`. Pure, one per stream.
 */
export class ToolCallTextRewriter {
  private readonly choices = new Map<number, ChoiceState>();

  constructor(private readonly format: TagFormat) {}

  /** The chunk without tool calls (their text in `content`), or undefined when nothing is left of it. */
  rewrite(chunk: ChatCompletionChunk): ChatCompletionChunk | undefined {
    let changed = false;
    const choices: ChunkChoice[] = [];
    for (const choice of chunk.choices) {
      const out = this.state(choice.index).rewrite(choice);
      changed ||= out !== choice;
      if (out !== undefined) {
        choices.push(out);
      }
    }
    if (!changed) {
      return chunk;
    }
    if (
      choices.length === 0 &&
      (chunk.usage === undefined || chunk.usage === null)
    ) {
      return undefined;
    }
    return { ...chunk, choices };
  }

  /** The text of the calls still pending, per choice (no finish_reason). */
  flush(template: ChatCompletionChunk): ChatCompletionChunk | undefined {
    const choices = [...this.choices].flatMap(([index, state]) => {
      const text = state.takePending();
      return text === ''
        ? []
        : [{ index, delta: { content: text }, finish_reason: null }];
    });
    if (choices.length === 0) {
      return undefined;
    }
    const { usage: _usage, ...rest } = template;
    return { ...rest, choices };
  }

  private state(index: number): ChoiceState {
    let state = this.choices.get(index);
    if (state === undefined) {
      state = new ChoiceState(this.format);
      this.choices.set(index, state);
    }
    return state;
  }
}

class ChoiceState {
  private readonly pending = new Map<number, PendingCall>();
  private lastText = '';

  constructor(private readonly format: TagFormat) {}

  rewrite(choice: ChunkChoice): ChunkChoice | undefined {
    const deltas = choice.delta.tool_calls;
    const finishing =
      choice.finish_reason !== null && choice.finish_reason !== undefined;
    if (deltas === undefined && !finishing) {
      this.noteText(choice.delta.content);
      return choice;
    }
    const { tool_calls: _calls, ...delta } = choice.delta;
    let text = typeof delta.content === 'string' ? delta.content : '';
    this.noteText(text);
    for (const call of deltas ?? []) {
      text += this.add(call);
    }
    if (finishing) {
      text += this.takePending();
    }
    if (text !== '') {
      delta.content = text;
    }
    const finish = finishing ? asStop(choice.finish_reason) : null;
    if (Object.keys(delta).length === 0 && finish === null) {
      return undefined;
    }
    return { ...choice, delta, finish_reason: finish };
  }

  /** The written form of every pending call, in index order. */
  takePending(): string {
    const indexes = [...this.pending.keys()].sort((a, b) => a - b);
    return indexes.map((index) => this.complete(index)).join('');
  }

  private add(
    call: NonNullable<ChunkChoice['delta']['tool_calls']>[number],
  ): string {
    const index = call.index ?? 0;
    let text = '';
    if (!this.pending.has(index)) {
      // A new call starts: every earlier one is complete.
      for (const earlier of [...this.pending.keys()].filter((i) => i < index)) {
        text += this.complete(earlier);
      }
      this.pending.set(index, { name: '', arguments: '' });
    }
    const pending = this.pending.get(index) as PendingCall;
    pending.name += call.function?.name ?? '';
    pending.arguments += call.function?.arguments ?? '';
    return text;
  }

  private complete(index: number): string {
    const call = this.pending.get(index);
    this.pending.delete(index);
    if (call === undefined) {
      return '';
    }
    // A block that follows text starts on its own line.
    const separator =
      this.lastText === '' || this.lastText.endsWith('\n') ? '' : '\n';
    const written = separator + formatToolCall(this.format, call);
    this.lastText = written;
    return written;
  }

  private noteText(content: unknown): void {
    if (typeof content === 'string' && content !== '') {
      this.lastText = content;
    }
  }
}

function asStop(reason: ChatFinishReason | null): ChatFinishReason | null {
  return reason === 'tool_calls' || reason === 'function_call'
    ? 'stop'
    : reason;
}

/** The chunk operator: every tool call of the stream as tagged text. */
export function chunksWithTextToolCalls(
  format: TagFormat,
): OperatorFunction<ChatCompletionChunk, ChatCompletionChunk> {
  return statefulOperator((subscriber) => {
    const rewriter = new ToolCallTextRewriter(format);
    let last: ChatCompletionChunk | undefined;
    return {
      next: (chunk: ChatCompletionChunk) => {
        last = chunk;
        const out = rewriter.rewrite(chunk);
        if (out !== undefined) {
          subscriber.next(out);
        }
      },
      complete: () => {
        const rest = last && rewriter.flush(last);
        if (rest !== undefined) {
          subscriber.next(rest);
        }
        subscriber.complete();
      },
    };
  });
}

/**
 * The same rewrite on tool-loop events (the Responses endpoint): client
 * calls in `chunk` events become text, written out before a new round or
 * the `finished` event, whose `tool_calls` reason becomes `stop`.
 */
export function loopEventsWithTextToolCalls(
  format: TagFormat,
): OperatorFunction<ToolLoopEvent, ToolLoopEvent> {
  return (source) => {
    const rewriter = new ToolCallTextRewriter(format);
    let last: { round: number; chunk: ChatCompletionChunk } | undefined;
    const flushed = (): ToolLoopEvent[] => {
      const rest = last && rewriter.flush(last.chunk);
      return rest === undefined || last === undefined
        ? []
        : [{ type: 'chunk', round: last.round, chunk: rest }];
    };
    return source.pipe(
      mergeMap((event): ToolLoopEvent[] => {
        if (event.type === 'finished') {
          const finishReason = asStop(event.finishReason) ?? 'stop';
          return [...flushed(), { ...event, finishReason }];
        }
        if (event.type !== 'chunk') {
          return [event];
        }
        const before =
          last !== undefined && event.round > last.round ? flushed() : [];
        last = event;
        const chunk = rewriter.rewrite(event.chunk);
        return chunk === undefined ? before : [...before, { ...event, chunk }];
      }),
    );
  };
}

/** A whole completion with its tool calls as tagged text in `content`. */
export function completionWithTextToolCalls(
  completion: ChatCompletion,
  format: TagFormat,
): ChatCompletion {
  return {
    ...completion,
    choices: completion.choices.map((choice) => {
      const calls = choice.message.tool_calls;
      if (calls === undefined || calls.length === 0) {
        const { tool_calls: _none, ...message } = choice.message;
        return calls === undefined ? choice : { ...choice, message };
      }
      const { tool_calls: _calls, ...message } = choice.message;
      const text = typeof message.content === 'string' ? message.content : '';
      const written = calls.map((call) =>
        formatToolCall(format, call.function),
      );
      const separator = text === '' || text.endsWith('\n') ? '' : '\n';
      return {
        ...choice,
        message: { ...message, content: text + separator + written.join('\n') },
        finish_reason: asStop(choice.finish_reason),
      };
    }),
  };
}
