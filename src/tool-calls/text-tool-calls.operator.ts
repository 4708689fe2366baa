import type { MonoTypeOperatorFunction } from 'rxjs';
import { statefulOperator } from '../common/rx/stateful-operator.js';
import type { ChatCompletionChunk } from '../protocol/chat-completion.types.js';
import {
  TextToolCallChoice,
  type ChunkChoice,
} from './text-tool-call-choice.js';
import type { TextToolCallParsing } from './text-tool-call-parsing.js';
import { lastOf } from '../common/arrays/last-of.js';
import { withFields } from '../common/objects/with-fields.js';

/**
 * Turns tool calls that the model wrote as text into real `tool_calls`
 * deltas, chunk by chunk. Each choice's `delta.content` goes through its own
 * StreamingToolCallParser and comes out as:
 *
 * - text → `content` deltas, reasoning → `reasoning_content` deltas;
 * - a call → `{index, id: 'call_…', type: 'function', function: {name, arguments: ''}}`,
 *   then `{index, function: {arguments}}` deltas, indexes after the
 *   upstream's native calls (which pass through untouched);
 * - the finish chunk: the parser's last events, and `finish_reason`
 *   `tool_calls` when a call was parsed, on the same chunk as the last
 *   tool-call delta.
 *
 * Chunks without content and usage chunks pass through. Plain text with no
 * tool syntax re-emits the upstream chunk objects themselves.
 */
export function textToolCalls(
  parsing: TextToolCallParsing,
): MonoTypeOperatorFunction<ChatCompletionChunk> {
  return statefulOperator((subscriber) => {
    const rewriter = new TextToolCallRewriter(parsing);
    let last: ChatCompletionChunk | undefined;
    return {
      next: (chunk: ChatCompletionChunk) => {
        last = chunk;
        const out = rewriter.rewrite(chunk);
        if (out === chunk) {
          subscriber.next(chunk);
          return;
        }
        for (const rewritten of out as ChatCompletionChunk[]) {
          subscriber.next(rewritten);
        }
      },
      complete: () => {
        if (last !== undefined) {
          for (const rewritten of rewriter.flush(last)) {
            subscriber.next(rewritten);
          }
        }
        subscriber.complete();
      },
    };
  });
}

/** The per-choice state of one stream, and how its chunks are rebuilt. */
class TextToolCallRewriter {
  private readonly choices = new Map<number, TextToolCallChoice>();
  /** Choice 0, looked up without the map: nearly every stream has only it. */
  private first: TextToolCallChoice | undefined;

  constructor(private readonly parsing: TextToolCallParsing) {}

  /** `chunk` itself when nothing changes, else the chunks to send instead. */
  rewrite(
    chunk: ChatCompletionChunk,
  ): ChatCompletionChunk | ChatCompletionChunk[] {
    const choices = chunk.choices;
    if (choices.length === 1) {
      const only = choices[0] as ChunkChoice;
      const out = this.choice(only.index).rewrite(only);
      return out === undefined ? chunk : withChoices(chunk, out);
    }
    if (choices.length === 0) {
      return chunk;
    }
    const results = choices.map((c) => this.choice(c.index).rewrite(c));
    if (results.every((r) => r === undefined)) {
      return chunk;
    }
    return withChoices(
      chunk,
      results.flatMap((r, i) => r ?? [choices[i] as ChunkChoice]),
    );
  }

  /** What the choices still hold when the stream ends without a finish chunk. */
  flush(last: ChatCompletionChunk): ChatCompletionChunk[] {
    const out = [...this.choices.values()].flatMap((c) => c.flush());
    return out.map((choice) => envelope(last, choice));
  }

  private choice(index: number): TextToolCallChoice {
    if (index === 0 && this.first !== undefined) {
      return this.first;
    }
    let state = this.choices.get(index);
    if (state === undefined) {
      state = new TextToolCallChoice(this.parsing);
      this.choices.set(index, state);
      if (index === 0) {
        this.first = state;
      }
    }
    return state;
  }
}

/**
 * One chunk per choice, so text, reasoning and each call keep their order;
 * a usage the upstream chunk carried goes on the last one.
 */
function withChoices(
  chunk: ChatCompletionChunk,
  choices: readonly ChunkChoice[],
): ChatCompletionChunk[] {
  const out = choices.map((choice) => envelope(chunk, choice));
  const last = lastOf(out);
  if (chunk.usage !== undefined) {
    if (last === undefined) {
      return [withFields(envelope(chunk, undefined), { usage: chunk.usage })];
    }
    last.usage = chunk.usage;
  }
  return out;
}

function envelope(
  chunk: ChatCompletionChunk,
  choice: ChunkChoice | undefined,
): ChatCompletionChunk {
  const { usage: _usage, choices: _choices, ...rest } = chunk;
  // Not a literal that adds `choices` after the spread: see withFields.
  return withFields(rest, { choices: choice === undefined ? [] : [choice] });
}
