import type {
  AnthropicStopReason,
  AnthropicUsage,
} from '../../protocol/anthropic-messages.types.js';
import type {
  ChatCompletionChunk,
  ChatUsage,
} from '../../protocol/chat-completion.types.js';

type Choice = ChatCompletionChunk['choices'][number];

/** How a message ended: `message_delta.delta`. */
export interface MessageStop {
  stop_reason: AnthropicStopReason;
  stop_sequence: string | null;
}

/**
 * The stop string a choice says it stopped at: vLLM's `stop_reason`, or
 * SGLang's `matched_stop` (both are a token id instead when a stop token
 * ended the answer, which is no stop sequence).
 */
export function matchedStopOf(choice: Choice): string | undefined {
  const matched = choice['stop_reason'] ?? choice['matched_stop'];
  return typeof matched === 'string' ? matched : undefined;
}

/** The finish reasons that say how the message ended whatever it holds. */
const DEFINITE_STOPS = new Map<string, AnthropicStopReason>([
  ['length', 'max_tokens'],
  ['content_filter', 'refusal'],
]);

/**
 * The Anthropic stop reason for a Chat Completions finish_reason. `stop` is
 * `stop_sequence` only when the backend named the string it stopped at and
 * the client asked for it; anything unknown, or no finish at all, is
 * `end_turn`. A message that holds a tool call and was not cut short ends in
 * `tool_use` whatever the backend said, as Anthropic clients run the calls
 * only then; one that holds none never does (a `tool_calls` finish whose
 * calls were all dropped is `end_turn`), so a client's loop on `tool_use`
 * always has a call to run.
 */
export function messageStopOf(
  finishReason: string | null,
  matchedStop: string | undefined,
  stopSequences: readonly string[],
  calledTools: boolean,
): MessageStop {
  const definite =
    finishReason === null ? undefined : DEFINITE_STOPS.get(finishReason);
  if (definite !== undefined) {
    return { stop_reason: definite, stop_sequence: null };
  }
  if (calledTools) {
    return { stop_reason: 'tool_use', stop_sequence: null };
  }
  if (
    finishReason === 'stop' &&
    matchedStop !== undefined &&
    stopSequences.includes(matchedStop)
  ) {
    return { stop_reason: 'stop_sequence', stop_sequence: matchedStop };
  }
  return { stop_reason: 'end_turn', stop_sequence: null };
}

/**
 * A chat usage as Anthropic's. OpenAI's `prompt_tokens` include the cached
 * ones; Anthropic's total input is the sum of `input_tokens` and the cache
 * counts (as the SDK documents it), so cached tokens move from the one to
 * `cache_read_input_tokens`, else a client adding them up counts them twice.
 */
export function anthropicUsageOf(usage: ChatUsage | undefined): AnthropicUsage {
  const prompt = usage?.prompt_tokens ?? 0;
  const cached = Math.min(
    usage?.prompt_tokens_details?.cached_tokens ?? 0,
    prompt,
  );
  return {
    input_tokens: prompt - cached,
    output_tokens: usage?.completion_tokens ?? 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
  };
}
