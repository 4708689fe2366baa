import type {
  AnthropicInputBlock,
  AnthropicMessagesRequest,
} from '../../protocol/anthropic-messages.types.js';
import type { ChatMessage } from '../../protocol/chat-completion.types.js';
import { toAssistantMessage } from './assistant-content.mapper.js';
import type { ChatRequestContext } from './chat-request-context.js';
import { toUserMessages } from './user-content.mapper.js';

/**
 * Maps `system` and `messages` (checked by MessagesRequestDto) to chat
 * messages.
 *
 * The system prompt: `system` (a string, or its text blocks joined by a
 * blank line; `cache_control` ignored) and then the text of every
 * `role: "system"` message of `messages`, in order, each after a blank
 * line, make **one leading system message**. A system message is never
 * left where the client put it: Claude Code appends its environment
 * description as one after the user's text, but chat templates accept a
 * system message only first (several raise an error otherwise), and a
 * model handed a conversation that ends in `system` does not answer the
 * user.
 */
export function toChatMessages(
  request: Pick<AnthropicMessagesRequest, 'system' | 'messages'>,
  context: ChatRequestContext,
): ChatMessage[] {
  const systemTexts = [systemPromptText(request.system)];
  const conversation: ChatMessage[] = [];
  for (const message of request.messages) {
    if (message.role === 'system') {
      systemTexts.push(systemMessageText(message.content, context));
    } else if (message.role === 'assistant') {
      const assistant = toAssistantMessage(message.content, context);
      if (assistant !== undefined) {
        conversation.push(assistant);
      }
    } else {
      conversation.push(...toUserMessages(message.content, context));
    }
  }
  const system = systemTexts.filter((text) => text !== '').join('\n\n');
  return system === ''
    ? conversation
    : [{ role: 'system', content: system }, ...conversation];
}

/**
 * Claude Code's first system block, `x-anthropic-billing-header:
 * cc_version=…; cc_entrypoint=…;`, is metadata for Anthropic's billing,
 * not for the model, and its suffix changes from one session to the next:
 * left in, it would change the start of every prompt and defeat the
 * backend's prefix cache. It is left out.
 */
const BILLING_HEADER = 'x-anthropic-billing-header:';

function systemPromptText(system: AnthropicMessagesRequest['system']): string {
  if (typeof system === 'string') {
    return system;
  }
  return (system ?? [])
    .filter((block) => !block.text.startsWith(BILLING_HEADER))
    .map((block) => block.text)
    .join('\n\n');
}

/** The text of a `system` message; blocks other than text are dropped. */
function systemMessageText(
  content: string | AnthropicInputBlock[],
  context: ChatRequestContext,
): string {
  if (typeof content === 'string') {
    return content;
  }
  const texts: string[] = [];
  for (const block of content) {
    if (block.type === 'text') {
      texts.push(String(block['text']));
    } else {
      context.dropped(`${block.type} block in a system message`);
    }
  }
  return texts.join('\n\n');
}
