import type { ChatUsage } from '../../protocol/chat-completion.types.js';
import type { ResponseUsage } from '../../protocol/responses.types.js';

/**
 * Chat usage → Responses usage (§8). Both details objects are always present
 * (Codex and the spec require their inner fields); a missing `total_tokens`
 * (some backends) is the sum of input and output.
 */
export function toResponseUsage(usage: ChatUsage): ResponseUsage {
  const input = count(usage.prompt_tokens);
  const output = count(usage.completion_tokens);
  return {
    input_tokens: input,
    input_tokens_details: {
      cached_tokens: count(usage.prompt_tokens_details?.cached_tokens),
      cache_write_tokens: count(
        usage.prompt_tokens_details?.['cache_write_tokens'],
      ),
    },
    output_tokens: output,
    output_tokens_details: {
      reasoning_tokens: count(
        usage.completion_tokens_details?.reasoning_tokens,
      ),
    },
    total_tokens:
      typeof usage.total_tokens === 'number'
        ? usage.total_tokens
        : input + output,
  };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** `later` added to `earlier` (the usage of earlier model rounds), field by field. */
export function addResponseUsage(
  earlier: ResponseUsage | null,
  later: ResponseUsage,
): ResponseUsage {
  if (earlier === null) {
    return later;
  }
  return {
    input_tokens: earlier.input_tokens + later.input_tokens,
    input_tokens_details: {
      cached_tokens:
        earlier.input_tokens_details.cached_tokens +
        later.input_tokens_details.cached_tokens,
      cache_write_tokens:
        earlier.input_tokens_details.cache_write_tokens +
        later.input_tokens_details.cache_write_tokens,
    },
    output_tokens: earlier.output_tokens + later.output_tokens,
    output_tokens_details: {
      reasoning_tokens:
        earlier.output_tokens_details.reasoning_tokens +
        later.output_tokens_details.reasoning_tokens,
    },
    total_tokens: earlier.total_tokens + later.total_tokens,
  };
}
