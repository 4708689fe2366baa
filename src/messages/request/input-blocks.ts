import type {
  AnthropicImageBlock,
  AnthropicInputBlock,
  AnthropicTextBlock,
  AnthropicThinkingBlock,
  AnthropicToolResultBlock,
  AnthropicToolUseBlock,
} from '../../protocol/anthropic-messages.types.js';

/**
 * Narrowers for request blocks. AnthropicInputBlock is open (any `type`),
 * so a test of `type` alone does not narrow it; the fields each block
 * carries were checked by MessagesRequestDto.
 */
export function isTextBlock(
  block: AnthropicInputBlock,
): block is AnthropicTextBlock {
  return block.type === 'text';
}

export function isImageBlock(
  block: AnthropicInputBlock,
): block is AnthropicImageBlock {
  return block.type === 'image';
}

export function isToolUseBlock(
  block: AnthropicInputBlock,
): block is AnthropicToolUseBlock {
  return block.type === 'tool_use';
}

export function isToolResultBlock(
  block: AnthropicInputBlock,
): block is AnthropicToolResultBlock {
  return block.type === 'tool_result';
}

export function isThinkingBlock(
  block: AnthropicInputBlock,
): block is AnthropicThinkingBlock {
  return block.type === 'thinking';
}
