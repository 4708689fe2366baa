import { isRecord } from '../../common/is-record.js';
import { identity, map, type MonoTypeOperatorFunction } from 'rxjs';
import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatToolCallDelta,
} from '../../protocol/chat-completion.types.js';

/** Told the chat name of each call dropped for being outside the allowed list. */
export type DroppedCallReporter = (name: string) => void;

/**
 * Enforces `tool_choice: {type:"allowed_tools"}` on the model's output. Only
 * the allowed tools are sent upstream, but a model may still call another
 * one (a hallucinated name, a tool it saw earlier): such a call never
 * reaches the client. Its deltas are removed from the chunks, and a
 * `tool_calls` finish with no call left becomes `stop`, with an empty text
 * delta so that the response still ends with a (possibly empty) message.
 * Any other `tool_choice` passes every chunk through.
 */
export function enforceAllowedTools(
  toolChoice: unknown,
  chat: Pick<ChatCompletionRequest, 'tools'>,
  onDrop: DroppedCallReporter,
): MonoTypeOperatorFunction<ChatCompletionChunk> {
  if (!restrictsToolCalls(toolChoice)) {
    return identity;
  }
  // The tools the model was offered: the allowed ones plus server-side MCP tools.
  const allowed = new Set((chat.tools ?? []).map((tool) => tool.function.name));
  const filter = new CallFilter(allowed, onDrop);
  return map((chunk) => filter.apply(chunk));
}

/** True for `tool_choice: {type:"allowed_tools"}`, which enforceAllowedTools enforces. */
export function restrictsToolCalls(toolChoice: unknown): boolean {
  return isRecord(toolChoice) && toolChoice['type'] === 'allowed_tools';
}

class CallFilter {
  /** Decision per call, by index and by id. */
  private readonly byIndex = new Map<number, boolean>();
  private readonly byId = new Map<string, boolean>();
  private last: boolean | undefined;
  private keptCalls = 0;
  private droppedCalls = 0;

  constructor(
    private readonly allowed: ReadonlySet<string>,
    private readonly onDrop: DroppedCallReporter,
  ) {}

  apply(chunk: ChatCompletionChunk): ChatCompletionChunk {
    if (!chunk.choices.some((choice) => this.touches(choice))) {
      return chunk;
    }
    return {
      ...chunk,
      choices: chunk.choices.map((choice) => {
        const delta = { ...choice.delta };
        if (delta.tool_calls !== undefined) {
          const kept = delta.tool_calls.filter((call) => this.keeps(call));
          if (kept.length > 0) {
            delta.tool_calls = kept;
          } else {
            delete delta.tool_calls;
          }
        }
        if (
          choice.finish_reason === 'tool_calls' &&
          this.keptCalls === 0 &&
          this.droppedCalls > 0
        ) {
          return {
            ...choice,
            delta: { ...delta, content: '' },
            finish_reason: 'stop',
          };
        }
        return { ...choice, delta };
      }),
    };
  }

  private touches(choice: ChatCompletionChunk['choices'][number]): boolean {
    return (
      choice.delta.tool_calls !== undefined ||
      choice.finish_reason === 'tool_calls'
    );
  }

  private keeps(call: ChatToolCallDelta): boolean {
    const decided =
      (call.id ? this.byId.get(call.id) : undefined) ??
      (typeof call.index === 'number' && !call.id
        ? this.byIndex.get(call.index)
        : undefined);
    let keep = decided;
    const name = call.function?.name;
    if (keep === undefined && name) {
      keep = this.allowed.has(name);
      if (keep) {
        this.keptCalls++;
      } else {
        this.droppedCalls++;
        this.onDrop(name);
      }
    }
    keep ??= this.last ?? true;
    if (call.id) {
      this.byId.set(call.id, keep);
    }
    if (typeof call.index === 'number') {
      this.byIndex.set(call.index, keep);
    }
    this.last = keep;
    return keep;
  }
}
