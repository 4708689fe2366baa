import type {
  AnthropicImageBlock,
  AnthropicInputBlock,
  AnthropicToolResultBlock,
} from '../../protocol/anthropic-messages.types.js';
import type {
  ChatContentPart,
  ChatMessage,
} from '../../protocol/chat-completion.types.js';
import { upstreamToolCallId } from '../core/tool-use-ids.js';
import type { ChatRequestContext } from './chat-request-context.js';
import {
  isImageBlock,
  isTextBlock,
  isToolResultBlock,
} from './input-blocks.js';

/** A `tool_result` as chat has it: a `tool` message, and the images it cannot carry. */
interface ToolResultMessages {
  tool: ChatMessage;
  images: ChatContentPart[];
}

/**
 * Maps a user message's content to chat messages: first one `tool`
 * message per `tool_result` block (they must directly follow the assistant
 * message with the calls), then one user message with the rest: the images
 * those results held (a `tool` message takes text only on most backends),
 * then the user's own text and images. Other blocks (`document`, …) are
 * dropped and reported.
 */
export function toUserMessages(
  content: string | AnthropicInputBlock[],
  context: ChatRequestContext,
): ChatMessage[] {
  if (typeof content === 'string') {
    return [{ role: 'user', content }];
  }
  const messages: ChatMessage[] = [];
  const toolImages: ChatContentPart[] = [];
  const parts: ChatContentPart[] = [];
  for (const block of content) {
    if (isToolResultBlock(block)) {
      const result = toToolMessage(block, context);
      messages.push(result.tool);
      toolImages.push(...result.images);
    } else if (isTextBlock(block)) {
      parts.push({ type: 'text', text: block.text });
    } else if (isImageBlock(block)) {
      pushImage(parts, block, context);
    } else {
      context.dropped(`${block.type} block in a user message`);
    }
  }
  const userParts = [...toolImages, ...parts];
  // A user turn that held only dropped blocks still takes its turn.
  if (userParts.length > 0 || messages.length === 0) {
    messages.push({ role: 'user', content: collapseText(userParts) });
  }
  return messages;
}

/**
 * A `tool_result` as a `tool` message: its string, or the text of its text
 * blocks joined by newlines, after "Error: " when `is_error` is set, so
 * the model knows the call failed.
 */
function toToolMessage(
  block: AnthropicToolResultBlock,
  context: ChatRequestContext,
): ToolResultMessages {
  const callId = upstreamToolCallId(block.tool_use_id);
  const texts: string[] = [];
  const images: ChatContentPart[] = [];
  if (typeof block.content === 'string') {
    texts.push(block.content);
  } else {
    for (const inner of block.content ?? []) {
      if (isTextBlock(inner)) {
        texts.push(inner.text);
      } else if (isImageBlock(inner)) {
        pushImage(images, inner, context);
      } else if (inner.type === 'tool_reference') {
        // Claude Code's tool search answers with these: every tool is sent
        // to a chat backend anyway, so the name is all the model needs.
        texts.push(`Tool available: ${String(inner['tool_name'])}`);
      } else {
        context.dropped(`${inner.type} block in a tool_result`);
      }
    }
  }
  const text = texts.join('\n');
  const tool: ChatMessage = {
    role: 'tool',
    tool_call_id: callId,
    content: block.is_error === true ? errorText(text) : text,
  };
  if (images.length === 0) {
    return { tool, images };
  }
  return {
    tool,
    images: [
      { type: 'text', text: `Images returned by tool call ${callId}:` },
      ...images,
    ],
  };
}

function errorText(text: string): string {
  return text === '' ? 'Error' : `Error: ${text}`;
}

/** An image block as a chat `image_url` part; a source chat has no form for is dropped. */
function pushImage(
  parts: ChatContentPart[],
  block: AnthropicImageBlock,
  context: ChatRequestContext,
): void {
  const source = block.source;
  const sourceType: string = source.type;
  if (source.type === 'base64') {
    const url = `data:${source.media_type};base64,${source.data}`;
    parts.push({ type: 'image_url', image_url: { url } });
  } else if (source.type === 'url') {
    parts.push({ type: 'image_url', image_url: { url: source.url } });
  } else {
    context.dropped(`image with a ${sourceType} source`);
  }
}

/**
 * Text-only content as one string joined by newlines (as vLLM joins text
 * parts), which every chat template accepts; some reject part arrays.
 */
function collapseText(parts: ChatContentPart[]): string | ChatContentPart[] {
  if (parts.every((part) => part.type === 'text')) {
    return parts.map((part) => String(part['text'])).join('\n');
  }
  return parts;
}
