import type {
  AnthropicInputBlock,
  AnthropicToolUseBlock,
} from '../../protocol/anthropic-messages.types.js';
import type {
  ChatMessage,
  ChatToolCall,
} from '../../protocol/chat-completion.types.js';
import { upstreamToolCallId } from '../core/tool-use-ids.js';
import type { ChatRequestContext } from './chat-request-context.js';
import {
  isTextBlock,
  isThinkingBlock,
  isToolUseBlock,
} from './input-blocks.js';

/**
 * Maps an assistant message's content to one chat assistant message: text
 * blocks → `content`, `tool_use` blocks → `tool_calls`, and `thinking`
 * blocks the gateway signed → `reasoning_content`. A thinking block whose
 * signature does not verify (signed by another replica without a shared
 * COMPACTION_SECRET, or by Anthropic) and `redacted_thinking` are dropped,
 * not refused: the model is never handed reasoning it did not write. A
 * message left with neither text nor calls (only thinking) becomes nothing.
 */
export function toAssistantMessage(
  content: string | AnthropicInputBlock[],
  context: ChatRequestContext,
): ChatMessage | undefined {
  if (typeof content === 'string') {
    return { role: 'assistant', content };
  }
  const texts: string[] = [];
  const calls: ChatToolCall[] = [];
  const reasoning: string[] = [];
  for (const block of content) {
    if (isTextBlock(block)) {
      texts.push(block.text);
    } else if (isToolUseBlock(block)) {
      calls.push(toToolCall(block));
    } else if (isThinkingBlock(block)) {
      if (context.signature.verify(block.thinking, block.signature)) {
        reasoning.push(block.thinking);
      } else {
        context.dropped('thinking block not signed by this gateway');
      }
    } else {
      context.dropped(`${block.type} block in an assistant message`);
    }
  }
  if (texts.length === 0 && calls.length === 0) {
    return undefined;
  }
  const message: ChatMessage = {
    role: 'assistant',
    content: texts.length === 0 ? null : texts.join('\n'),
  };
  if (calls.length > 0) {
    message.tool_calls = calls;
  }
  if (reasoning.length > 0) {
    message.reasoning_content = reasoning.join('\n\n');
  }
  return message;
}

function toToolCall(block: AnthropicToolUseBlock): ChatToolCall {
  return {
    id: upstreamToolCallId(block.id),
    type: 'function',
    function: { name: block.name, arguments: JSON.stringify(block.input) },
  };
}
