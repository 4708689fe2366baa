import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatToolCall,
} from './chat-completion.types.js';

type ChunkDelta = ChatCompletionChunk['choices'][number]['delta'];

/**
 * Non-streaming: turns a ChatCompletion into the chunk sequence the
 * ResponseEventMachine understands, so stream and non-stream share one code
 * path (same item shapes, same id rules). Choice 0 only: reasoning, content,
 * refusal, each tool call, then the finish chunk and a usage chunk.
 */
export function completionToChunks(
  completion: ChatCompletion,
): ChatCompletionChunk[] {
  const chunk = (
    delta: ChunkDelta,
    finishReason: string | null = null,
  ): ChatCompletionChunk => ({
    id: completion.id,
    object: 'chat.completion.chunk',
    created: completion.created,
    model: completion.model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
  const choice =
    completion.choices.find((candidate) => candidate.index === 0) ??
    completion.choices[0];
  const chunks: ChatCompletionChunk[] = [];
  if (choice !== undefined) {
    const message = choice.message;
    chunks.push(chunk({ role: 'assistant' }));
    if (typeof message.reasoning_content === 'string') {
      chunks.push(chunk({ reasoning_content: message.reasoning_content }));
    } else if (typeof message['reasoning'] === 'string') {
      chunks.push(chunk({ reasoning: message['reasoning'] }));
    }
    const content = textOf(message.content);
    if (content !== '') {
      chunks.push(chunk({ content }));
    }
    if (typeof message['refusal'] === 'string') {
      chunks.push(chunk({ refusal: message['refusal'] }));
    }
    (message.tool_calls ?? []).forEach((call: ChatToolCall, index) => {
      chunks.push(
        chunk({
          tool_calls: [
            {
              index,
              id: call.id,
              type: 'function',
              function: {
                name: call.function.name,
                arguments: call.function.arguments,
              },
            },
          ],
        }),
      );
    });
    chunks.push(chunk({}, choice.finish_reason ?? 'stop'));
  }
  if (completion.usage) {
    chunks.push({
      id: completion.id,
      object: 'chat.completion.chunk',
      created: completion.created,
      model: completion.model,
      choices: [],
      usage: completion.usage,
    });
  }
  return chunks;
}

// A chat message's content is normally a string; text parts are joined.
function textOf(content: unknown): string {
  if (typeof content === 'string') {
    return content;
  }
  if (!Array.isArray(content)) {
    return '';
  }
  return content
    .map((part: unknown) =>
      typeof part === 'object' &&
      part !== null &&
      typeof (part as Record<string, unknown>)['text'] === 'string'
        ? String((part as Record<string, unknown>)['text'])
        : '',
    )
    .join('');
}
