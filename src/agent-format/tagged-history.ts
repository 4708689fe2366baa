import type { ChatMessage } from '../protocol/chat-completion.types.js';
import {
  newToolCallId,
  parseContextOf,
  parseToolCallsFromText,
} from '../tool-calls/index.js';
import { familyOf } from './agent-format.js';
import { type AgentFormat } from '../config/agent-format-setting.js';

/**
 * The way back: a client that reads tool calls as tagged text also sends its
 * earlier calls as tagged text in assistant messages. For a backend with
 * native tools, each such message gets its declared-tool calls as real
 * `tool_calls` (new `call_…` ids) and keeps only the rest of its text. The
 * messages after it (tool results, or results the client wrote as user
 * text) are left as they are. Returns `messages` itself when nothing changes.
 */
export function toolCallsFromTaggedHistory(
  messages: ChatMessage[],
  format: Extract<AgentFormat, { kind: 'tags' }>,
  tools: unknown,
): ChatMessage[] {
  const context = parseContextOf(tools);
  if (context.tools.size === 0) {
    return messages;
  }
  const family = familyOf(format);
  const marker = format.start.trim();
  let changed = false;
  const out = messages.map((message) => {
    const text = textOf(message);
    if (
      message.role !== 'assistant' ||
      (message.tool_calls?.length ?? 0) > 0 ||
      text === undefined ||
      !text.includes(marker)
    ) {
      return message;
    }
    const parsed = parseToolCallsFromText(text, family, context, {
      parseReasoning: false,
    });
    if (parsed.toolCalls.length === 0) {
      return message;
    }
    changed = true;
    const rest = parsed.text.trim();
    return {
      ...message,
      content: rest === '' ? null : rest,
      tool_calls: parsed.toolCalls.map((call) => ({
        id: newToolCallId(),
        type: 'function' as const,
        function: { name: call.name, arguments: call.arguments },
      })),
    };
  });
  return changed ? out : messages;
}

/** A message's text: its string content, or its text parts joined. */
function textOf(message: ChatMessage): string | undefined {
  const content = message.content;
  if (typeof content === 'string') {
    return content;
  }
  if (!Array.isArray(content)) {
    return undefined;
  }
  const texts = content
    .filter((part) => part.type === 'text' || part.type === 'output_text')
    .map((part) => part['text'])
    .filter((text): text is string => typeof text === 'string');
  return texts.length === 0 ? undefined : texts.join('');
}
