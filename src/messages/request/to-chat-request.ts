import type { AnthropicMessagesRequest } from '../../protocol/anthropic-messages.types.js';
import type { ChatCompletionRequest } from '../../protocol/chat-completion.types.js';
import type { ChatRequestContext } from './chat-request-context.js';
import { toChatMessages } from './messages.mapper.js';
import { toChatOptions } from './request-options.mapper.js';
import { toChatToolFields } from './tools.mapper.js';

export type { ChatRequestContext } from './chat-request-context.js';

/** How the upstream is called. */
export interface ChatRequestOptions {
  /** A streamed call: `stream: true` and `stream_options.include_usage`; else neither is set. */
  stream: boolean;
}

/**
 * Translates a `POST /v1/messages` body, checked by MessagesRequestDto,
 * to the chat completion request the upstream gets: the system prompt
 * and the conversation (toChatMessages), the custom tools and the tool
 * choice (toChatToolFields), and the generation settings (toChatOptions).
 * Nothing else from the Anthropic request reaches the upstream: unknown
 * fields (`context_management`, `output_config`, `cache_control`, …) stay
 * behind. Whatever is dropped on the way is told to `context.dropped`.
 */
export function toChatRequest(
  request: AnthropicMessagesRequest,
  context: ChatRequestContext,
  options: ChatRequestOptions,
): ChatCompletionRequest {
  const chat: ChatCompletionRequest = {
    model: request.model,
    messages: toChatMessages(request, context),
    ...toChatToolFields(request, context),
    ...toChatOptions(request),
  };
  if (options.stream) {
    chat.stream = true;
    chat.stream_options = { include_usage: true };
  }
  return chat;
}
