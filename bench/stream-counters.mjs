/**
 * How a sample answer's chunks are counted, per API. Every counter answers in
 * upstream chunks (the chunks with a choice the fake upstream wrote), so the
 * sample check and chunks/s mean the same on every path.
 */

/** Content chunks of a Chat Completions stream: `data:` lines with at least one choice. */
export function countChatChunks(text) {
  let count = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('data:')) {
      continue;
    }
    const payload = line.slice(5).trim();
    if (payload === '[DONE]') {
      continue;
    }
    const chunk = JSON.parse(payload);
    if (Array.isArray(chunk.choices) && chunk.choices.length > 0) {
      count += 1;
    }
  }
  return count;
}

const DELTA_EVENTS = new Set([
  'event: response.output_text.delta',
  'event: response.reasoning_text.delta',
  'event: response.function_call_arguments.delta',
]);

/**
 * A counter of the upstream chunks a Responses stream carried: one text,
 * reasoning or argument delta event per chunk, plus `withoutDelta` chunks
 * that carry none: the role chunk and the finish chunk (2), and the chunk
 * that opens each tool call (1 per call).
 */
export function responseChunks(withoutDelta) {
  return (text) =>
    text.split('\n').filter((line) => DELTA_EVENTS.has(line)).length +
    withoutDelta;
}

/**
 * A counter of the upstream chunks an Anthropic Messages stream carried:
 * one `content_block_delta` event per chunk with text, plus `withoutDelta`
 * chunks that carry none (the role chunk and the finish chunk: 2).
 */
export function messageChunks(withoutDelta) {
  return (text) =>
    text.split('\n').filter((line) => line === 'event: content_block_delta')
      .length + withoutDelta;
}
