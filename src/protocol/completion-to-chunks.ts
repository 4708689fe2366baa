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
    extra: Record<string, unknown> = {},
  ): ChatCompletionChunk => ({
    id: completion.id,
    object: 'chat.completion.chunk',
    created: completion.created,
    model: completion.model,
    choices: [{ index: 0, delta, finish_reason: finishReason, ...extra }],
  });
  const choice =
    completion.choices.find((candidate) => candidate.index === 0) ??
    completion.choices[0];
  const chunks: ChatCompletionChunk[] = [];
  if (choice !== undefined) {
    for (const delta of messageDeltas(choice.message)) {
      chunks.push(chunk(delta));
    }
    chunks.push(chunk({}, choice.finish_reason ?? 'stop', stopString(choice)));
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

/** One message as deltas: role, reasoning, content, refusal, each tool call. */
function messageDeltas(
  message: ChatCompletion['choices'][number]['message'],
): ChunkDelta[] {
  const deltas: ChunkDelta[] = [{ role: 'assistant' }];
  if (typeof message.reasoning_content === 'string') {
    deltas.push({ reasoning_content: message.reasoning_content });
  } else if (typeof message['reasoning'] === 'string') {
    deltas.push({ reasoning: message['reasoning'] });
  }
  const content = textOf(message.content);
  if (content !== '') {
    deltas.push({ content });
  }
  if (typeof message['refusal'] === 'string') {
    deltas.push({ refusal: message['refusal'] });
  }
  (message.tool_calls ?? []).forEach((call: ChatToolCall, index) => {
    const { name, arguments: args } = call.function;
    deltas.push({
      tool_calls: [
        {
          index,
          id: call.id,
          type: 'function',
          function: { name, arguments: args },
        },
      ],
    });
  });
  return deltas;
}

/** The stop string a backend names on the choice (vLLM, SGLang), kept for the Messages API. */
function stopString(
  choice: ChatCompletion['choices'][number],
): Record<string, unknown> {
  const { stop_reason, matched_stop } = choice;
  return {
    ...(stop_reason === undefined ? {} : { stop_reason }),
    ...(matched_stop === undefined ? {} : { matched_stop }),
  };
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
