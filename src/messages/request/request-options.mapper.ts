import type { AnthropicMessagesRequest } from '../../protocol/anthropic-messages.types.js';

type ReasoningEffort = 'low' | 'medium' | 'high';

// Thinking budgets below these many tokens ask for low, then medium effort.
const LOW_EFFORT_BELOW = 4096;
const MEDIUM_EFFORT_BELOW = 16384;

const EFFORTS: Readonly<Record<string, ReasoningEffort>> = {
  low: 'low',
  medium: 'medium',
  high: 'high',
  max: 'high',
};

/**
 * Maps the generation settings (checked by MessagesRequestDto) to chat
 * request fields: `max_tokens`, `temperature`, `top_p`, `top_k`,
 * `stop_sequences` → `stop`, `metadata.user_id` → `user`, and `thinking`
 * → `reasoning_effort` (see reasoningEffort). Every other field stays
 * behind.
 */
export function toChatOptions(
  request: AnthropicMessagesRequest,
): Record<string, unknown> {
  const chat: Record<string, unknown> = {};
  set(chat, 'max_tokens', request.max_tokens);
  set(chat, 'temperature', request.temperature);
  set(chat, 'top_p', request.top_p);
  set(chat, 'top_k', request.top_k);
  if ((request.stop_sequences?.length ?? 0) > 0) {
    chat['stop'] = request.stop_sequences;
  }
  const userId = request.metadata?.user_id;
  if (typeof userId === 'string') {
    chat['user'] = userId;
  }
  set(chat, 'reasoning_effort', reasoningEffort(request));
  return chat;
}

/**
 * `enabled` thinking: by its budget (low below 4096 tokens, medium below
 * 16384, else high). `adaptive`: Claude Code's `output_config.effort` when
 * it is low, medium or high (`max` → high), else none, leaving the
 * backend's default. `disabled`: none.
 */
function reasoningEffort(
  request: Pick<AnthropicMessagesRequest, 'thinking' | 'output_config'>,
): ReasoningEffort | undefined {
  const thinking = request.thinking;
  switch (thinking?.type) {
    case 'enabled':
      if (thinking.budget_tokens < LOW_EFFORT_BELOW) {
        return 'low';
      }
      return thinking.budget_tokens < MEDIUM_EFFORT_BELOW ? 'medium' : 'high';
    case 'adaptive':
    case 'between_tools': {
      const effort = request.output_config?.effort;
      return typeof effort === 'string' && Object.hasOwn(EFFORTS, effort)
        ? EFFORTS[effort]
        : undefined;
    }
    case 'disabled':
    case undefined:
      return undefined;
  }
}

/** Sets `target[key]` to `value` unless it is absent (undefined or null). */
function set(
  target: Record<string, unknown>,
  key: string,
  value: unknown,
): void {
  if (value !== undefined && value !== null) {
    target[key] = value;
  }
}
