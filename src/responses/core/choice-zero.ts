import type { ChatCompletionChunk } from '../../protocol/chat-completion.types.js';

/** Choice 0 of a chunk, else its first choice. */
export function choiceZeroOf(
  chunk: ChatCompletionChunk,
): ChatCompletionChunk['choices'][number] | undefined {
  const first = chunk.choices[0];
  // Nearly every chunk has the one choice; no search, no closure for it.
  return first?.index === 0
    ? first
    : (chunk.choices.find((candidate) => candidate.index === 0) ?? first);
}
