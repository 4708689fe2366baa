import type {
  ChatCompletion,
  ChatToolCall,
} from '../protocol/chat-completion.types.js';
import { reasoningOpenedByTemplate } from './parse-tool-calls-from-text.js';
import { TextToolCallChoice } from './text-tool-call-choice.js';
import type { TextToolCallParsing } from './text-tool-call-parsing.js';

type CompletionChoice = ChatCompletion['choices'][number];

/**
 * Non-streaming counterpart of `textToolCalls`, on the same rules: each
 * choice's string `message.content` is read as one content delta. Calls
 * become `tool_calls` (after any native ones), reasoning joins
 * `reasoning_content` (a close tag without an open tag means the template
 * opened it), the remaining text stays the content (null when only
 * whitespace is left beside the calls), and `finish_reason` becomes
 * `tool_calls` when calls were found. A completion with nothing to convert
 * is returned as the same object.
 */
export function textToolCallsInCompletion(
  completion: ChatCompletion,
  parsing: TextToolCallParsing,
): ChatCompletion {
  let changed = false;
  const choices = completion.choices.map((choice) => {
    const rewritten = rewriteChoice(choice, parsing);
    changed ||= rewritten !== choice;
    return rewritten;
  });
  return changed ? { ...completion, choices } : completion;
}

function rewriteChoice(
  choice: CompletionChoice,
  parsing: TextToolCallParsing,
): CompletionChoice {
  const message = choice.message;
  const text = message.content;
  if (typeof text !== 'string' || text === '') {
    return choice;
  }
  const state = new TextToolCallChoice(parsing, {
    startInReasoning: reasoningOpenedByTemplate(text, parsing.families),
  });
  const pieces = state.rewrite({
    index: choice.index,
    delta: { content: text },
    finish_reason: choice.finish_reason ?? 'stop',
  });
  if (pieces === undefined) {
    return choice;
  }
  let content = '';
  let reasoning = '';
  let finish = choice.finish_reason;
  const calls = new Map<number, ChatToolCall>();
  for (const piece of pieces) {
    content += piece.delta.content ?? '';
    reasoning += piece.delta.reasoning_content ?? '';
    for (const delta of piece.delta.tool_calls ?? []) {
      const index = delta.index ?? calls.size;
      const call = calls.get(index) ?? {
        id: delta.id ?? '',
        type: 'function',
        function: { name: delta.function?.name ?? '', arguments: '' },
      };
      call.function.arguments += delta.function?.arguments ?? '';
      calls.set(index, call);
    }
    finish = calls.size > 0 ? (piece.finish_reason ?? finish) : finish;
  }
  if (calls.size === 0 && reasoning === '' && content === text) {
    return choice;
  }
  const blank = content.trim() === '' && (calls.size > 0 || content === '');
  const allReasoning = `${message.reasoning_content ?? ''}${reasoning}`;
  return {
    ...choice,
    message: {
      ...message,
      content: blank ? null : content,
      ...(allReasoning !== '' && { reasoning_content: allReasoning }),
      ...(calls.size > 0 && {
        tool_calls: [...(message.tool_calls ?? []), ...calls.values()],
      }),
    },
    finish_reason: finish,
  };
}
